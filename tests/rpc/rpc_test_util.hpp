// tests/rpc/rpc_test_util.hpp — fixtures for the RPC client tests: waiting
// for an asynchronous result, a tiny scripted HTTP/1.1 server on loopback
// (for answers no real node gives: garbage, wrong ids, huge numbers, slow
// bodies), the local validator (tools/localnet/start.sh) as a real
// subprocess, and a blocking HTTP helper for its admin routes.
#pragma once

#include "rpc/rpc_client.hpp"
#include "rpc/solana_types.hpp"

#include <catch2/catch.hpp>
#include <curl/curl.h>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace sniper::rpc::test {

using namespace std::chrono_literals;

inline int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Turns one callback into a future; `wait` fails the test after `timeout`.
template <class T> struct Await {
    std::shared_ptr<std::promise<T>> p = std::make_shared<std::promise<T>>();
    std::future<T> f = p->get_future();
    std::function<void(T)> cb() {
        auto pp = p;
        return [pp](T v) { pp->set_value(std::move(v)); };
    }
    T wait(std::chrono::milliseconds timeout = 20000ms) {
        REQUIRE(f.wait_for(timeout) == std::future_status::ready);
        return f.get();
    }
};

// Calls `start(callback)` and waits for the one result.
template <class T, class Start> T sync(Start start, std::chrono::milliseconds timeout = 20000ms) {
    Await<T> a;
    start(a.cb());
    return a.wait(timeout);
}

// The numeric id of a JSON-RPC request body ("id":N), or 0.
inline uint64_t request_id(const std::string& body) {
    const auto k = body.find("\"id\":");
    return k == std::string::npos ? 0 : std::strtoull(body.c_str() + k + 5, nullptr, 10);
}
inline std::string request_method(const std::string& body) {
    const auto k = body.find("\"method\":\"");
    if (k == std::string::npos) {
        return {};
    }
    const auto e = body.find('"', k + 10);
    return body.substr(k + 10, e - k - 10);
}

// ---- a scripted HTTP/1.1 server on 127.0.0.1 ------------------------------

struct FakeReply {
    int status = 200;
    std::string body;
    std::vector<std::string> headers; // extra header lines
    int delay_ms = 0;                 // before answering
    bool slow_body = false; // send headers and a few bytes, then stall until the client gives up
    bool close_without_answer = false;
};

struct FakeRequest {
    std::string target; // the request line's path and query
    std::string body;
    std::string method; // JSON-RPC method
    uint64_t id = 0;
    int64_t at_ms = 0;
    int connection = 0;
};

class FakeServer {
  public:
    using Handler = std::function<FakeReply(const FakeRequest&)>;
    explicit FakeServer(Handler h) : handler_(std::move(h)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd_, 64) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~FakeServer() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        acceptor_.join();
        std::vector<std::thread> ts;
        {
            std::lock_guard lock(mu_);
            for (int c : conns_) {
                ::shutdown(c, SHUT_RDWR);
            }
            ts.swap(threads_);
        }
        for (auto& t : ts) {
            t.join();
        }
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int connections() const { return connections_.load(); }
    std::vector<FakeRequest> requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }
    void set_handler(Handler h) {
        std::lock_guard lock(mu_);
        handler_ = std::move(h);
    }

  private:
    void accept_loop() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) {
                continue;
            }
            const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) {
                continue;
            }
            const int n = ++connections_;
            std::lock_guard lock(mu_);
            conns_.push_back(c);
            threads_.emplace_back([this, c, n] { serve(c, n); });
        }
    }
    bool send_all(int c, const std::string& s) {
        size_t off = 0;
        while (off < s.size()) {
            const ssize_t w = ::send(c, s.data() + off, s.size() - off, MSG_NOSIGNAL);
            if (w <= 0) {
                return false;
            }
            off += static_cast<size_t>(w);
        }
        return true;
    }
    void serve(int c, int conn_no) {
        std::string buf;
        char tmp[65536];
        for (;;) {
            size_t hdr_end;
            while ((hdr_end = buf.find("\r\n\r\n")) == std::string::npos) {
                const ssize_t r = ::recv(c, tmp, sizeof tmp, 0);
                if (r <= 0) {
                    ::close(c);
                    return;
                }
                buf.append(tmp, static_cast<size_t>(r));
            }
            size_t clen = 0;
            std::string lower = buf.substr(0, hdr_end);
            for (auto& ch : lower) {
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            }
            const auto k = lower.find("content-length:");
            if (k != std::string::npos) {
                clen = std::strtoull(lower.c_str() + k + 15, nullptr, 10);
            }
            while (buf.size() < hdr_end + 4 + clen) {
                const ssize_t r = ::recv(c, tmp, sizeof tmp, 0);
                if (r <= 0) {
                    ::close(c);
                    return;
                }
                buf.append(tmp, static_cast<size_t>(r));
            }
            FakeRequest req;
            if (const size_t sp = buf.find(' '); sp != std::string::npos && sp < hdr_end) {
                req.target = buf.substr(sp + 1, buf.find(' ', sp + 1) - sp - 1);
            }
            req.body = buf.substr(hdr_end + 4, clen);
            buf.erase(0, hdr_end + 4 + clen);
            req.method = request_method(req.body);
            req.id = request_id(req.body);
            req.at_ms = now_ms();
            req.connection = conn_no;
            Handler h;
            {
                std::lock_guard lock(mu_);
                requests_.push_back(req);
                h = handler_;
            }
            const FakeReply rep = h(req);
            for (int waited = 0; waited < rep.delay_ms && !stop_; waited += 10) {
                std::this_thread::sleep_for(10ms);
            }
            if (rep.close_without_answer) {
                ::close(c);
                return;
            }
            std::string out = "HTTP/1.1 " + std::to_string(rep.status) +
                              " X\r\nContent-Type: application/json\r\n";
            for (const auto& hl : rep.headers) {
                out += hl + "\r\n";
            }
            if (rep.slow_body) {
                out += "Content-Length: 100000\r\n\r\n{\"jsonrpc\":";
                send_all(c, out);
                while (!stop_) {
                    std::this_thread::sleep_for(10ms);
                    pollfd p{c, POLLIN, 0};
                    if (::poll(&p, 1, 0) > 0) { // the client closed
                        break;
                    }
                }
                ::close(c);
                return;
            }
            out += "Content-Length: " + std::to_string(rep.body.size()) + "\r\n\r\n" + rep.body;
            if (!send_all(c, out)) {
                ::close(c);
                return;
            }
        }
    }

    Handler handler_;
    int fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    std::thread acceptor_;
    mutable std::mutex mu_;
    std::vector<int> conns_;
    std::vector<std::thread> threads_;
    std::vector<FakeRequest> requests_;
};

// A JSON-RPC success answering `req` with `result_json`.
inline FakeReply ok_reply(const FakeRequest& req, const std::string& result_json) {
    return FakeReply{200, "{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(req.id) +
                              ",\"result\":" + result_json + "}"};
}

// A loopback port nothing listens on (bound, then closed).
inline uint16_t closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

inline RpcClientConfig one_endpoint(const std::string& url, const std::string& name = "a") {
    RpcClientConfig c;
    c.endpoints.push_back(EndpointConfig{name, url, 200, 50});
    return c;
}

// ---- blocking HTTP for admin routes ------------------------------------------

struct Http {
    long status = 0;
    std::string body;
};

inline size_t http_sink(char* d, size_t s, size_t n, void* u) {
    static_cast<std::string*>(u)->append(d, s * n);
    return s * n;
}

// POST when `body` is given, else GET.
inline Http http(const std::string& url, const std::string* body = nullptr) {
    Http out;
    CURL* e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_sink);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_slist* h = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    if (body != nullptr) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body->c_str());
    }
    const CURLcode rc = curl_easy_perform(e);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &out.status);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(e);
    return out;
}
inline Http http_post(const std::string& url, const std::string& body) {
    return http(url, &body);
}

// ---- the local validator as a subprocess ------------------------------------

// tools/localnet/start.sh --port 0 --slot-ms <slot_ms> [extra...]. FAILs (not
// skips) when node or tools/localnet/node_modules is missing.
class Localnet {
  public:
    explicit Localnet(std::vector<std::string> extra = {}, int slot_ms = 20) {
        const std::string dir = std::string(SNIPER_SOURCE_DIR) + "/tools/localnet";
        if (!std::filesystem::exists(dir + "/node_modules")) {
            FAIL("tools/localnet/node_modules is missing: run scripts/npm_deps.sh (npm ci in "
                 "tools/localnet)");
        }
        if (std::system("command -v node >/dev/null 2>&1") != 0) {
            FAIL(
                "node not found: install Node.js (scripts/deps.sh does) to run the localnet tests");
        }
        const bool lag = std::find(extra.begin(), extra.end(), "--lag-port") != extra.end();
        std::vector<std::string> args = {"bash", dir + "/start.sh", "--port",
                                         "0",    "--slot-ms",       std::to_string(slot_ms)};
        args.insert(args.end(), extra.begin(), extra.end());
        int out[2];
        REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
        stderr_path_ = "/tmp/sniper-localnet-" + std::to_string(::getpid()) + "-" +
                       std::to_string(now_ms()) + ".log";
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(out[1], 1);
            const int err = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(err, 2);
            ::setpgid(0, 0);
            std::vector<char*> argv;
            for (auto& a : args) {
                argv.push_back(a.data());
            }
            argv.push_back(nullptr);
            ::execvp("bash", argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        std::string buf;
        std::vector<std::string> lines;
        const int64_t end = now_ms() + 30000;
        const size_t want = lag ? 4 : 2;
        while (lines.size() < want && now_ms() < end) {
            pollfd p{out[0], POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) {
                continue;
            }
            char tmp[512];
            const ssize_t r = ::read(out[0], tmp, sizeof tmp);
            if (r <= 0) {
                break;
            }
            buf.append(tmp, static_cast<size_t>(r));
            size_t nl;
            while ((nl = buf.find('\n')) != std::string::npos) {
                lines.push_back(buf.substr(0, nl));
                buf.erase(0, nl + 1);
            }
        }
        ::close(out[0]);
        if (lines.size() < want) {
            stop();
            FAIL("localnet did not start: " << stderr_text());
        }
        url = lines[0];
        for (size_t i = 1; i < lines.size(); ++i) {
            if (lines[i].rfind("lag_http=", 0) == 0) {
                lag_url = lines[i].substr(9);
            }
        }
    }
    ~Localnet() {
        stop();
        std::error_code ec;
        std::filesystem::remove(stderr_path_, ec);
    }
    void stop() {
        if (pid_ <= 0) {
            return;
        }
        ::kill(pid_, SIGTERM);
        for (int i = 0; i < 100; ++i) {
            int st = 0;
            if (::waitpid(pid_, &st, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(50ms);
        }
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    std::string stderr_text() const {
        std::string s;
        if (FILE* f = std::fopen(stderr_path_.c_str(), "r")) {
            char b[4096];
            size_t n;
            while ((n = std::fread(b, 1, sizeof b, f)) > 0) {
                s.append(b, n);
            }
            std::fclose(f);
        }
        return s;
    }
    Http faults(const std::string& json) { return http_post(url + "/admin/faults", json); }

    std::string url;
    std::string lag_url;

  private:
    pid_t pid_ = -1;
    std::string stderr_path_;
};

} // namespace sniper::rpc::test
