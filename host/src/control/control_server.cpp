#include "control/control_server.hpp"

#include "control/control_testing.hpp"
#include "core/json.hpp"
#include "core/log.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <set>
#include <thread>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace sniper {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;

namespace {

// A request line (without its newline) longer than this is refused and the
// connection closed: no legitimate command comes close, and the cap bounds
// what one client can make us buffer.
constexpr std::size_t kMaxRequestBytes = 64 * 1024;
// Bounds file descriptors a runaway script can pin; sniperctl uses one.
constexpr std::size_t kMaxConnections = 64;
constexpr std::chrono::milliseconds kDefaultIdleTimeout{60'000};

std::atomic<int64_t> g_idle_timeout_ms{kDefaultIdleTimeout.count()};

std::string errno_text(int err) {
    return std::strerror(err);
}

std::string octal_mode(mode_t mode) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

// Makes sure the socket's directory exists, is a directory, and is 0700 so
// that no other local user can even reach the socket file. Returns an error
// message, empty on success.
std::string prepare_directory(const std::filesystem::path& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        if (errno != ENOENT) {
            return "cannot inspect control socket directory " + dir.string() + ": " +
                   errno_text(errno);
        }
        std::error_code ec;
        if (dir.has_parent_path()) {
            std::filesystem::create_directories(dir.parent_path(), ec);
            if (ec) {
                return "cannot create " + dir.parent_path().string() + ": " + ec.message();
            }
        }
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
            return "cannot create control socket directory " + dir.string() + ": " +
                   errno_text(errno);
        }
        if (::stat(dir.c_str(), &st) != 0) {
            return "cannot inspect control socket directory " + dir.string() + ": " +
                   errno_text(errno);
        }
    }
    if (!S_ISDIR(st.st_mode)) {
        return "control socket directory " + dir.string() + " exists and is not a directory";
    }
    if ((st.st_mode & 07777) == 0700) {
        return {};
    }
    // A sticky directory is shared by design (/tmp): tightening it would
    // break every other user of the machine, so we never touch it.
    if ((st.st_mode & S_ISVTX) != 0) {
        return "control socket directory " + dir.string() + " is a shared directory (mode " +
               octal_mode(st.st_mode) +
               "); put the socket in a private directory (set control.socket in the config)";
    }
    if (st.st_uid != ::geteuid()) {
        return "control socket directory " + dir.string() + " has mode " + octal_mode(st.st_mode) +
               " and is owned by uid " + std::to_string(st.st_uid) + ", not by us (uid " +
               std::to_string(::geteuid()) + "); refusing to expose the control socket there";
    }
    if (::chmod(dir.c_str(), 0700) != 0) {
        return "cannot chmod control socket directory " + dir.string() +
               " to 0700: " + errno_text(errno);
    }
    return {};
}

bool fill_address(const std::string& path, sockaddr_un* addr, std::string* error) {
    std::memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr->sun_path) {
        *error = "control socket path \"" + path + "\" is " + std::to_string(path.size()) +
                 " bytes; it must be 1.." + std::to_string(sizeof addr->sun_path - 1);
        return false;
    }
    std::memcpy(addr->sun_path, path.data(), path.size());
    return true;
}

// Removes a socket file nobody accepts on (a daemon that crashed). Refuses
// when a live server answers, or when the path is something else entirely.
bool clear_stale_socket(const std::string& path, const sockaddr_un& addr, std::string* error) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            return true;
        }
        *error = "cannot inspect " + path + ": " + errno_text(errno);
        return false;
    }
    if (!S_ISSOCK(st.st_mode)) {
        *error = path + " exists and is not a socket; refusing to replace it";
        return false;
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *error = std::string("socket(): ") + errno_text(errno);
        return false;
    }
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    const int err = rc == 0 ? 0 : errno;
    ::close(fd);
    // EAGAIN: the listen backlog is full, so somebody is definitely listening.
    if (rc == 0 || err == EAGAIN || err == EINPROGRESS) {
        *error = "another sniperd is running on " + path;
        return false;
    }
    if (err != ECONNREFUSED && err != ENOENT) {
        *error = "cannot probe existing socket " + path + ": " + errno_text(err);
        return false;
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        *error = "cannot remove stale socket " + path + ": " + errno_text(errno);
        return false;
    }
    log::info("control", "removed stale control socket", {{"path", path}});
    return true;
}

} // namespace

namespace control_testing {
void set_idle_timeout(std::chrono::milliseconds timeout) {
    g_idle_timeout_ms.store(timeout.count());
}
} // namespace control_testing

std::string control_ok(std::string_view data_json) {
    JsonWriter w;
    w.begin_object().kv("ok", true).key("data").raw(data_json.empty() ? "null" : data_json);
    w.end_object();
    return w.take();
}

std::string control_error(std::string_view message) {
    JsonWriter w;
    w.begin_object().kv("ok", false).kv("error", message).end_object();
    return w.take();
}

// Named, not anonymous (ControlServer::Impl derives from ServerCore), but
// kept out of the way of other modules' types.
namespace control_detail {

class Session;

// Everything the server owns; ControlServer::Impl is just this under the
// header's name (Impl is private to ControlServer, sessions need the state).
struct ServerCore {
    std::string path;
    ControlServer::Handler handler;
    uid_t allowed_uid = 0;
    std::chrono::milliseconds idle_timeout{kDefaultIdleTimeout};
    std::atomic<uint64_t> refused{0};
    std::atomic<uint64_t> evicted{0};
    dev_t socket_dev = 0;
    ino_t socket_ino = 0;

    // Only touched on the control thread (or after it has been joined).
    // Declared before io so that sessions destroyed while io shuts down can
    // still deregister themselves.
    std::set<Session*> sessions;

    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    Local::acceptor acceptor{io};
    asio::steady_timer accept_retry{io};
    std::thread thread;

    void accept_next();
    void run();
    // At the connection limit: closes the connection that has waited
    // longest for a request (never `keep`, never one being answered), so
    // a kill or status always gets through whatever idle clients hold.
    // False when every other connection is busy.
    bool evict_idle(const Session* keep);
};

} // namespace control_detail

struct ControlServer::Impl : control_detail::ServerCore {};

namespace control_detail {

// One client connection. Owned by the handlers of its pending operations
// (shared_from_this); it ends when the last of them completes.
class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(ServerCore* server, Local::socket socket)
        : server_(server), socket_(std::move(socket)), timer_(server->io) {
        server_->sessions.insert(this);
    }
    ~Session() { server_->sessions.erase(this); }

    void start() {
        const int fd = socket_.native_handle();
        ucred cred{};
        socklen_t len = sizeof cred;
        if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
            server_->refused.fetch_add(1);
            log::warn("control", "refused connection: cannot read peer credentials",
                      {{"error", errno_text(errno)}});
            reply_and_close(control_error("permission denied: cannot verify peer credentials"));
            return;
        }
        if (cred.uid != server_->allowed_uid) {
            server_->refused.fetch_add(1);
            log::warn("control", "refused connection from foreign uid",
                      {{"uid", static_cast<uint64_t>(cred.uid)},
                       {"pid", static_cast<int64_t>(cred.pid)}});
            reply_and_close(control_error("permission denied: uid " + std::to_string(cred.uid) +
                                          " is not allowed"));
            return;
        }
        if (server_->sessions.size() > kMaxConnections && !server_->evict_idle(this)) {
            log::warn("control", "refused connection: too many control connections",
                      {{"limit", static_cast<uint64_t>(kMaxConnections)}});
            reply_and_close(control_error("too many control connections (limit " +
                                          std::to_string(kMaxConnections) + ")"));
            return;
        }
        read_next();
    }

    // Waiting for a request (not being answered), and since when.
    bool waiting() const { return waiting_; }
    std::chrono::steady_clock::time_point active_at() const { return active_at_; }

    // Closes a connection to make room for a newer one; its client reads
    // this line (or EOF) when it next looks.
    void evict() {
        waiting_ = false;
        evicted_ = true; // a request that still arrives is not answered: one write at a time
        reply_and_close(control_error(
            "connection closed: idle while the control socket is full (limit " +
            std::to_string(kMaxConnections) + " connections)"));
    }

    void close() {
        boost::system::error_code ignored;
        timer_.cancel();
        socket_.shutdown(Local::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

  private:
    void arm_deadline() {
        // A deadline on every wait: a client that neither sends nor reads
        // cannot pin a connection forever.
        timer_.expires_after(server_->idle_timeout);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) {
                log::debug("control", "closing idle control connection");
                self->close();
            }
        });
    }

    void read_next() {
        waiting_ = true;
        active_at_ = std::chrono::steady_clock::now();
        arm_deadline();
        asio::async_read_until(
            socket_, asio::dynamic_buffer(buffer_, kMaxRequestBytes + 1), '\n',
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                self->on_read(ec, n);
            });
    }

    void on_read(const boost::system::error_code& ec, std::size_t n) {
        if (evicted_) {
            return; // the eviction notice is being written; it closes the socket
        }
        waiting_ = false;
        active_at_ = std::chrono::steady_clock::now();
        if (ec == asio::error::not_found) {
            reply_and_close(control_error("request line exceeds " +
                                          std::to_string(kMaxRequestBytes) + " bytes"));
            return;
        }
        if (ec == asio::error::eof && !buffer_.empty()) {
            // The client half-closed after a last line without its newline
            // (`printf '{"cmd":"status"}' | nc -U`): answer it anyway.
            std::string line = std::move(buffer_);
            buffer_.clear();
            reply_and_close(handle(line));
            return;
        }
        if (ec) {
            close();
            return;
        }
        std::string line = buffer_.substr(0, n - 1);
        buffer_.erase(0, n);
        write_response(handle(line), /*close_after=*/false);
    }

    std::string handle(std::string& line) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        std::string response;
        try {
            response = server_->handler(line);
        } catch (const std::exception& e) {
            log::warn("control", "control handler threw", {{"error", e.what()}});
            return control_error(e.what());
        } catch (...) {
            log::warn("control", "control handler threw a non-standard exception");
            return control_error("internal error in the control handler");
        }
        // The framing is one line per response; a handler that breaks it
        // would desynchronize the client.
        if (response.find('\n') != std::string::npos) {
            log::error("control", "control handler returned a multi-line response");
            return control_error("internal error: the response contained a newline");
        }
        return response;
    }

    void reply_and_close(std::string response) { write_response(std::move(response), true); }

    void write_response(std::string response, bool close_after) {
        arm_deadline();
        out_ = std::move(response);
        out_ += '\n';
        asio::async_write(socket_, asio::buffer(out_),
                          [self = shared_from_this(),
                           close_after](const boost::system::error_code& ec, std::size_t) {
                              if (ec || close_after) {
                                  self->close();
                                  return;
                              }
                              self->read_next();
                          });
    }

    ServerCore* server_;
    Local::socket socket_;
    asio::steady_timer timer_;
    std::string buffer_;
    std::string out_;
    bool waiting_ = false;
    bool evicted_ = false;
    std::chrono::steady_clock::time_point active_at_{std::chrono::steady_clock::now()};
};

bool ServerCore::evict_idle(const Session* keep) {
    Session* oldest = nullptr;
    for (Session* s : sessions) {
        if (s != keep && s->waiting() && (oldest == nullptr || s->active_at() < oldest->active_at())) {
            oldest = s;
        }
    }
    if (oldest == nullptr) {
        return false;
    }
    evicted.fetch_add(1);
    log::debug("control", "evicted the longest idle control connection to make room");
    oldest->evict();
    return true;
}

void ServerCore::accept_next() {
    acceptor.async_accept([this](const boost::system::error_code& ec, Local::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
            return;
        }
        if (ec) {
            // EMFILE and friends: back off instead of spinning, keep serving.
            log::warn("control", "accept failed", {{"error", ec.message()}});
            accept_retry.expires_after(std::chrono::milliseconds(100));
            accept_retry.async_wait([this](const boost::system::error_code& wait_ec) {
                if (!wait_ec) {
                    accept_next();
                }
            });
            return;
        }
        std::make_shared<Session>(this, std::move(socket))->start();
        accept_next();
    });
}

void ServerCore::run() {
    // Nothing a handler or a client does may end the control thread: the
    // kill switch must stay reachable.
    for (;;) {
        try {
            io.run();
            return;
        } catch (const std::exception& e) {
            log::error("control", "control thread caught an exception", {{"error", e.what()}});
        } catch (...) {
            log::error("control", "control thread caught a non-standard exception");
        }
    }
}

} // namespace control_detail

std::unique_ptr<ControlServer> ControlServer::start(const std::string& socket_path, Handler handler,
                                                    std::string* error, uid_t allowed_uid) {
    std::string scratch;
    std::string& err = error != nullptr ? *error : scratch;
    err.clear();
    if (!handler) {
        err = "control server needs a handler";
        return nullptr;
    }
    sockaddr_un addr{};
    if (!fill_address(socket_path, &addr, &err)) {
        return nullptr;
    }
    std::filesystem::path dir = std::filesystem::path(socket_path).parent_path();
    if (dir.empty()) {
        dir = ".";
    }
    err = prepare_directory(dir);
    if (!err.empty()) {
        return nullptr;
    }
    if (!clear_stale_socket(socket_path, addr, &err)) {
        return nullptr;
    }

    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        err = std::string("socket(): ") + errno_text(errno);
        return nullptr;
    }
    // On Linux the socket file takes its mode from the socket inode (minus
    // umask), so fchmod before bind means the file never exists with a
    // looser mode; the chmod after bind is belt and braces.
    (void)::fchmod(fd, 0600);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const int e = errno;
        ::close(fd);
        err =
            (e == EADDRINUSE ? "another sniperd is running on " + socket_path
                             : "cannot bind control socket " + socket_path + ": " + errno_text(e));
        return nullptr;
    }
    struct stat st {};
    if (::chmod(socket_path.c_str(), 0600) != 0 || ::stat(socket_path.c_str(), &st) != 0 ||
        ::listen(fd, SOMAXCONN) != 0) {
        const int e = errno;
        ::close(fd);
        ::unlink(socket_path.c_str());
        err = "cannot set up control socket " + socket_path + ": " + errno_text(e);
        return nullptr;
    }

    auto impl = std::make_unique<Impl>();
    impl->path = socket_path;
    impl->handler = std::move(handler);
    impl->allowed_uid = allowed_uid == static_cast<uid_t>(-1) ? ::geteuid() : allowed_uid;
    impl->idle_timeout = std::chrono::milliseconds(g_idle_timeout_ms.load());
    impl->socket_dev = st.st_dev;
    impl->socket_ino = st.st_ino;
    boost::system::error_code ec;
    impl->acceptor.assign(Local(), fd, ec);
    if (ec) {
        ::close(fd);
        ::unlink(socket_path.c_str());
        err = "cannot set up control socket " + socket_path + ": " + ec.message();
        return nullptr;
    }
    impl->accept_next();
    Impl* raw = impl.get();
    impl->thread = std::thread([raw] { raw->run(); });
    log::info("control", "control socket listening",
              {{"path", socket_path}, {"allowed_uid", static_cast<uint64_t>(raw->allowed_uid)}});
    return std::unique_ptr<ControlServer>(new ControlServer(std::move(impl)));
}

ControlServer::ControlServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ControlServer::~ControlServer() {
    // Unlink first so new clients get ENOENT at once instead of queueing on
    // a socket nobody will accept again; but only if the file is still ours
    // (a newer daemon may have replaced it).
    struct stat st {};
    if (::lstat(impl_->path.c_str(), &st) == 0 && st.st_dev == impl_->socket_dev &&
        st.st_ino == impl_->socket_ino) {
        ::unlink(impl_->path.c_str());
    }
    // stop() returns run() after the handler in progress, if any; pending
    // operations and the sessions they own are destroyed with the io_context.
    impl_->io.stop();
    if (impl_->thread.joinable()) {
        impl_->thread.join();
    }
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    for (control_detail::Session* s : impl_->sessions) {
        s->close();
    }
}

const std::string& ControlServer::socket_path() const {
    return impl_->path;
}

uint64_t ControlServer::refused_connections() const {
    return impl_->refused.load();
}

} // namespace sniper
