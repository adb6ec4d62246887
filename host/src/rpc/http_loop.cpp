// rpc/http_loop.cpp — libcurl multi on one thread. The thread sleeps in
// curl_multi_poll (woken by curl_multi_wakeup when a task is posted) for
// at most the time to the next timer or curl's own deadline, then runs the
// posted tasks, the due timers and the finished transfers, in that order.
// At most max_active_transfers are in the multi handle; the rest wait in
// order and are handed over as transfers finish.
#include "rpc/http_loop.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sniper::rpc {

namespace {

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

void curl_global_once() {
    static CurlGlobal g; // thread-safe static init; never cleaned up (other users may exist)
    (void)g;
}

struct Transfer {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    HttpCallback done;
    std::string request_body;
    std::string response_body;
    size_t max_body = 0;
    bool too_large = false;
    int64_t start_us = 0;
    char errbuf[CURL_ERROR_SIZE] = {};
};

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * nmemb;
    if (t->response_body.size() + n > t->max_body) {
        t->too_large = true;
        return 0; // aborts the transfer (CURLE_WRITE_ERROR)
    }
    t->response_body.append(data, n);
    return n;
}

} // namespace

struct HttpLoop::Impl {
    HttpLoopConfig cfg;
    CURLM* multi = nullptr;
    std::thread thread;
    std::atomic<std::thread::id> thread_id{};

    std::mutex mu; // guards posted, stop_requested, closed
    std::vector<std::function<void()>> posted;
    bool stop_requested = false;
    bool closed = false;

    // Loop thread only.
    bool closing = false;
    std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers;
    std::vector<CURL*> idle_easy;
    std::map<std::pair<int64_t, TimerId>, std::function<void()>> timers;
    std::unordered_map<TimerId, int64_t> timer_due;
    TimerId next_timer = 1;
    std::deque<std::function<void()>> ready; // completions that must not run inside start()
    struct Waiting {
        HttpRequest req;
        HttpCallback done;
        int64_t since_us = 0;
    };
    std::deque<Waiting> waiting; // beyond cfg.max_active_transfers, in order

    // Hands one request to curl (a free slot is there).
    void add(HttpRequest req, HttpCallback done);
    // Slots freed: the waiting requests next in line, their timeout less
    // the time they waited (one that waited it all out completes as Timeout).
    void start_waiting();

    void run();
    bool run_posted();
    void run_due_timers();
    void reap();
    void run_ready();
    void finish(CURL* easy, HttpResponse r);
    long poll_timeout_ms();
};

HttpLoop::HttpLoop(HttpLoopConfig cfg) : impl_(std::make_unique<Impl>()) {
    curl_global_once();
    impl_->cfg = std::move(cfg);
    impl_->multi = curl_multi_init();
    if (impl_->multi == nullptr) {
        throw std::runtime_error("curl_multi_init failed");
    }
    curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, impl_->cfg.max_connections);
    curl_multi_setopt(impl_->multi, CURLMOPT_MAX_HOST_CONNECTIONS, impl_->cfg.max_host_connections);
    impl_->thread = std::thread([this] {
        impl_->thread_id.store(std::this_thread::get_id());
        impl_->run();
    });
}

HttpLoop::~HttpLoop() {
    stop();
    for (CURL* e : impl_->idle_easy) {
        curl_easy_cleanup(e);
    }
    curl_multi_cleanup(impl_->multi);
}

bool HttpLoop::post(std::function<void()> task) {
    {
        std::lock_guard lock(impl_->mu);
        if (impl_->closed) {
            return false;
        }
        impl_->posted.push_back(std::move(task));
    }
    curl_multi_wakeup(impl_->multi);
    return true;
}

void HttpLoop::stop() {
    {
        std::lock_guard lock(impl_->mu);
        impl_->stop_requested = true;
    }
    curl_multi_wakeup(impl_->multi);
    if (impl_->thread.joinable()) {
        impl_->thread.join();
    }
}

bool HttpLoop::on_loop_thread() const {
    return std::this_thread::get_id() == impl_->thread_id.load();
}

int64_t HttpLoop::now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

size_t HttpLoop::in_flight() const {
    return impl_->transfers.size();
}

size_t HttpLoop::waiting() const {
    return impl_->waiting.size();
}

TimerId HttpLoop::after(int64_t delay_ms, std::function<void()> fn) {
    const TimerId id = impl_->next_timer++;
    if (impl_->closing) {
        return id; // dropped: the loop is stopping
    }
    const int64_t due = now_us() + std::max<int64_t>(0, delay_ms) * 1000;
    impl_->timers.emplace(std::make_pair(due, id), std::move(fn));
    impl_->timer_due.emplace(id, due);
    return id;
}

void HttpLoop::cancel_timer(TimerId id) {
    auto it = impl_->timer_due.find(id);
    if (it == impl_->timer_due.end()) {
        return;
    }
    impl_->timers.erase(std::make_pair(it->second, id));
    impl_->timer_due.erase(it);
}

void HttpLoop::start(HttpRequest req, HttpCallback done) {
    Impl& m = *impl_;
    if (m.closing) {
        HttpResponse r;
        r.outcome = HttpOutcome::Cancelled;
        r.error = "the HTTP loop is stopping";
        m.ready.push_back(
            [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
        return;
    }
    if (m.transfers.size() >= std::max<size_t>(1, m.cfg.max_active_transfers) || !m.waiting.empty()) {
        m.waiting.push_back({std::move(req), std::move(done), now_us()});
        return;
    }
    m.add(std::move(req), std::move(done));
}

void HttpLoop::Impl::start_waiting() {
    while (!closing && !waiting.empty() && transfers.size() < std::max<size_t>(1, cfg.max_active_transfers)) {
        Waiting w = std::move(waiting.front());
        waiting.pop_front();
        const int64_t waited_ms = (HttpLoop::now_us() - w.since_us) / 1000;
        if (waited_ms >= w.req.timeout_ms) {
            HttpResponse r;
            r.outcome = HttpOutcome::Timeout;
            r.error = "waited " + std::to_string(waited_ms) + " ms for one of " +
                      std::to_string(cfg.max_active_transfers) + " transfer slots";
            ready.push_back([done = std::move(w.done), r = std::move(r)]() mutable { done(std::move(r)); });
            continue;
        }
        w.req.timeout_ms -= waited_ms;
        add(std::move(w.req), std::move(w.done));
    }
}

void HttpLoop::Impl::add(HttpRequest req, HttpCallback done) {
    Impl& m = *this;
    CURL* easy = nullptr;
    if (!m.idle_easy.empty()) {
        easy = m.idle_easy.back();
        m.idle_easy.pop_back();
        curl_easy_reset(easy);
    } else {
        easy = curl_easy_init();
    }
    auto t = std::make_unique<Transfer>();
    t->easy = easy;
    t->done = std::move(done);
    t->request_body = std::move(req.body);
    t->max_body = m.cfg.max_body_bytes;
    t->start_us = now_us();
    t->headers = curl_slist_append(nullptr, "Content-Type: application/json");
    t->headers = curl_slist_append(t->headers, "Expect:");
    const long timeout = static_cast<long>(std::max<int64_t>(1, req.timeout_ms));
    const long connect_timeout =
        static_cast<long>(std::max<int64_t>(1, std::min(req.connect_timeout_ms, req.timeout_ms)));

    curl_easy_setopt(easy, CURLOPT_URL, req.url.c_str());
    if (req.get) {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L); // pooled handles may have been POSTs
    } else {
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, t->request_body.data());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(t->request_body.size()));
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, m.cfg.user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    m.transfers.emplace(easy, std::move(t));
    curl_multi_add_handle(m.multi, easy);
}

void HttpLoop::Impl::finish(CURL* easy, HttpResponse r) {
    auto it = transfers.find(easy);
    if (it == transfers.end()) {
        return;
    }
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers.erase(it);
    curl_multi_remove_handle(multi, easy);
    curl_slist_free_all(t->headers);
    r.latency_us = HttpLoop::now_us() - t->start_us;
    if (r.outcome == HttpOutcome::Done) {
        r.body = std::move(t->response_body);
    }
    idle_easy.push_back(easy);
    start_waiting(); // before the callback, so what it starts queues behind them
    t->done(std::move(r));
}

void HttpLoop::Impl::reap() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg != CURLMSG_DONE) {
            continue;
        }
        CURL* easy = msg->easy_handle;
        Transfer* t = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &t);
        HttpResponse r;
        const CURLcode rc = msg->data.result;
        long connects = 0;
        curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
        r.new_connection = connects > 0;
        if (rc == CURLE_OK) {
            r.outcome = HttpOutcome::Done;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.status);
            curl_off_t ra = 0;
            if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0) {
                r.retry_after_ms = static_cast<int64_t>(ra) * 1000;
            }
        } else if (rc == CURLE_OPERATION_TIMEDOUT) {
            r.outcome = HttpOutcome::Timeout;
            r.error = t != nullptr && t->errbuf[0] != 0 ? t->errbuf : curl_easy_strerror(rc);
        } else {
            r.outcome = HttpOutcome::Transport;
            if (t != nullptr && t->too_large) {
                r.error = "response body over " + std::to_string(t->max_body) + " bytes";
            } else {
                r.error = t != nullptr && t->errbuf[0] != 0 ? t->errbuf : curl_easy_strerror(rc);
            }
        }
        finish(easy, std::move(r));
    }
}

bool HttpLoop::Impl::run_posted() {
    std::vector<std::function<void()>> batch;
    bool stop = false;
    {
        std::lock_guard lock(mu);
        batch.swap(posted);
        stop = stop_requested;
    }
    for (auto& task : batch) {
        task();
    }
    return stop;
}

void HttpLoop::Impl::run_due_timers() {
    const int64_t now = HttpLoop::now_us();
    std::vector<std::function<void()>> due;
    while (!timers.empty() && timers.begin()->first.first <= now) {
        auto node = timers.extract(timers.begin());
        timer_due.erase(node.key().second);
        due.push_back(std::move(node.mapped()));
    }
    for (auto& fn : due) {
        fn();
    }
}

void HttpLoop::Impl::run_ready() {
    while (!ready.empty()) {
        auto fn = std::move(ready.front());
        ready.pop_front();
        fn();
    }
}

long HttpLoop::Impl::poll_timeout_ms() {
    long wait = 200;
    long curl_wait = -1;
    curl_multi_timeout(multi, &curl_wait);
    if (curl_wait >= 0) {
        wait = std::min(wait, curl_wait);
    }
    if (!timers.empty()) {
        const int64_t delta_us = timers.begin()->first.first - HttpLoop::now_us();
        wait =
            std::min<long>(wait, static_cast<long>(std::max<int64_t>(0, (delta_us + 999) / 1000)));
    }
    if (!ready.empty()) {
        wait = 0;
    }
    return wait;
}

void HttpLoop::Impl::run() {
    for (;;) {
        if (run_posted()) {
            break;
        }
        run_due_timers();
        int running = 0;
        curl_multi_perform(multi, &running);
        reap();
        run_ready();
        curl_multi_poll(multi, nullptr, 0, static_cast<int>(poll_timeout_ms()), nullptr);
    }
    // Stopping: tasks posted before `closed` still run (a submit racing the
    // stop gets its Cancelled completion that way), then transfers in flight
    // complete as Cancelled; timers are dropped unrun.
    closing = true;
    {
        std::lock_guard lock(mu);
        closed = true;
    }
    run_posted();
    run_ready();
    while (!transfers.empty()) {
        HttpResponse r;
        r.outcome = HttpOutcome::Cancelled;
        r.error = "the HTTP loop stopped";
        finish(transfers.begin()->first, std::move(r));
        run_ready();
    }
    while (!waiting.empty()) {
        Waiting w = std::move(waiting.front());
        waiting.pop_front();
        HttpResponse r;
        r.outcome = HttpOutcome::Cancelled;
        r.error = "the HTTP loop stopped";
        w.done(std::move(r));
        run_ready();
    }
    timers.clear();
    timer_due.clear();
}

} // namespace sniper::rpc
