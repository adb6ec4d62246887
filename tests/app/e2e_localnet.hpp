// tests/app/e2e_localnet.hpp — the local validator (tools/localnet: litesvm
// behind JSON-RPC, Jupiter- and Jito-compatible endpoints) as a subprocess
// of an end-to-end test, and the chain reads the live tests compare the
// journal with.
#pragma once

#include "e2e_workspace.hpp"

#include <curl/curl.h>
#include <simdjson.h>

namespace sniper::e2e {

// The local validator; its RPC URL from its first line of stdout.
struct Localnet {
    std::unique_ptr<Child> child;
    std::string url;
    explicit Localnet(Workspace& w, int slot_ms = 50) {
        child = std::make_unique<Child>(std::vector<std::string>{kSourceDir + "/tools/localnet/start.sh", "--port",
                                                                 "0", "--slot-ms", std::to_string(slot_ms)},
                                        w.out("localnet"));
        poll_until(
            [&] {
                const std::string out = child->stdout_text();
                const size_t nl = out.find('\n');
                if (nl != std::string::npos && out.rfind("http://", 0) == 0) {
                    url = out.substr(0, nl);
                }
                return !url.empty();
            },
            60s, [&] { return !child->running(); }, 100ms);
        INFO("localnet stderr:\n" << child->stderr_text());
        REQUIRE_FALSE(url.empty());
    }
    ~Localnet() { child->signal(SIGTERM); }

    // One HTTP request to it (GET without a body); the body, or "" on failure.
    std::string http(const std::string& path, const std::string* body = nullptr, long* status = nullptr) const {
        std::string out;
        CURL* e = curl_easy_init();
        const std::string u = url + path;
        curl_easy_setopt(e, CURLOPT_URL, u.c_str());
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* p) {
            static_cast<std::string*>(p)->append(d, s * n);
            return s * n;
        });
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &out);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 10000L);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_slist* h = curl_slist_append(nullptr, "Content-Type: application/json");
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
        if (body != nullptr) {
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, body->c_str());
        }
        long code = 0;
        if (curl_easy_perform(e) == CURLE_OK) {
            curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
        }
        if (status != nullptr) {
            *status = code;
        }
        curl_slist_free_all(h);
        curl_easy_cleanup(e);
        return out;
    }
    std::string post(const std::string& path, const std::string& body, long* status = nullptr) const {
        return http(path, &body, status);
    }
    // A JSON-RPC call's `result` as text (REQUIREs success).
    std::string rpc(const std::string& method, const std::string& params) const {
        const std::string body = post("/", R"({"jsonrpc":"2.0","id":1,"method":")" + method + R"(","params":)" +
                                               params + "}");
        simdjson::dom::parser p;
        simdjson::dom::element doc;
        REQUIRE(p.parse(body).get(doc) == simdjson::SUCCESS);
        simdjson::dom::element result;
        INFO(body);
        REQUIRE(doc["result"].get(result) == simdjson::SUCCESS);
        return simdjson::minify(result);
    }
    uint64_t lamports(const std::string& account) const {
        const std::string r = rpc("getBalance", R"([")" + account + R"(",{"commitment":"confirmed"}])");
        simdjson::dom::parser p;
        return uint64_t(p.parse(r)["value"]);
    }
    // Token atoms of `owner` in `mint` (all its token accounts), exact.
    uint64_t atoms(const std::string& owner, const std::string& mint) const {
        const std::string r = rpc("getTokenAccountsByOwner", R"([")" + owner + R"(",{"mint":")" + mint +
                                                                 R"("},{"encoding":"jsonParsed","commitment":"confirmed"}])");
        simdjson::dom::parser p;
        uint64_t sum = 0;
        for (simdjson::dom::element a : p.parse(r)["value"].get_array()) {
            std::string_view amount = a["account"]["data"]["parsed"]["info"]["tokenAmount"]["amount"];
            sum += std::stoull(std::string(amount));
        }
        return sum;
    }
};

} // namespace sniper::e2e
