#include "strategy/native_plugin.hpp"

#include "core/log.hpp"

#include <boost/dll/shared_library.hpp>

#include <elf.h>
#include <link.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace sniper {

namespace {
std::atomic<uint64_t> g_still_mapped{0};
} // namespace

uint64_t NativePlugin::images_still_mapped() { return g_still_mapped.load(std::memory_order_relaxed); }

struct NativePlugin::Lib {
    boost::dll::shared_library lib;
};

namespace {

std::string version_text(uint32_t v) {
    return std::to_string(SNP_ABI_VERSION_MAJOR(v)) + "." + std::to_string(SNP_ABI_VERSION_MINOR(v));
}

// dlopen() maps segments straight from the file; a file cut short (still
// being copied, a failed build) would map pages past its end and the first
// touch raises SIGBUS in the host. So the ELF layout is checked against the
// file size before the loader ever sees it. Returns "" when it fits.
std::string check_elf(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        return "cannot read the file";
    }
    const auto size = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    Elf64_Ehdr eh{};
    if (size < sizeof eh || !in.read(reinterpret_cast<char*>(&eh), sizeof eh)) {
        return "not a shared library: " + std::to_string(size) + " bytes is too short for an ELF header";
    }
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
        return "not a shared library: no ELF magic at the start of the file";
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
        return "not a 64-bit little-endian ELF file";
    }
    if (eh.e_type != ET_DYN) {
        return "ELF file is not a shared object (e_type " + std::to_string(eh.e_type) + ")";
    }
#if defined(__x86_64__)
    constexpr uint16_t kMachine = EM_X86_64;
#elif defined(__aarch64__)
    constexpr uint16_t kMachine = EM_AARCH64;
#else
    constexpr uint16_t kMachine = 0;
#endif
    if (kMachine != 0 && eh.e_machine != kMachine) {
        return "ELF file is for another machine (e_machine " + std::to_string(eh.e_machine) + ")";
    }
    const uint64_t ph_end = eh.e_phoff + static_cast<uint64_t>(eh.e_phnum) * sizeof(Elf64_Phdr);
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > size || ph_end > size) {
        return "truncated: program headers end past the file's " + std::to_string(size) +
               " bytes (still being written?)";
    }
    if (eh.e_shoff != 0 &&
        eh.e_shoff + static_cast<uint64_t>(eh.e_shnum) * eh.e_shentsize > size) {
        return "truncated: section headers end past the file's " + std::to_string(size) +
               " bytes (still being written?)";
    }
    in.seekg(static_cast<std::streamoff>(eh.e_phoff));
    for (uint16_t i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph{};
        if (!in.read(reinterpret_cast<char*>(&ph), sizeof ph)) {
            return "truncated: cannot read program header " + std::to_string(i);
        }
        if ((ph.p_type == PT_LOAD || ph.p_type == PT_DYNAMIC) &&
            (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)) {
            return "truncated: a segment ends at byte " + std::to_string(ph.p_offset + ph.p_filesz) +
                   " but the file has " + std::to_string(size) + " (still being written?)";
        }
    }
    return {};
}

// Touches every page of the image loaded from `path` (read only), so the
// first call into the plugin — on the event path, during a reload swap —
// takes no page faults: they are taken here, off the path. (Reads between
// the plugin's globals, so AddressSanitizer must not check them.)
__attribute__((no_sanitize("address"))) void touch_pages(const volatile char* begin, uint64_t size, long page) {
    for (uint64_t off = 0; off < size; off += static_cast<uint64_t>(page)) {
        (void)begin[off];
    }
}

void prefault_image(const std::string& path) {
    struct Ctx {
        const std::string* path;
    } ctx{&path};
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) -> int {
            const auto* c = static_cast<const Ctx*>(data);
            if (info->dlpi_name == nullptr || *c->path != info->dlpi_name) {
                return 0;
            }
            const long page = sysconf(_SC_PAGESIZE);
            for (int i = 0; i < info->dlpi_phnum; ++i) {
                const ElfW(Phdr)& ph = info->dlpi_phdr[i];
                if (ph.p_type != PT_LOAD || ph.p_filesz == 0) {
                    continue;
                }
                touch_pages(reinterpret_cast<const volatile char*>(info->dlpi_addr + ph.p_vaddr), ph.p_filesz,
                            page);
            }
            return 1;
        },
        &ctx);
}

std::string str_of(snp_str s, size_t max_len) {
    if (s.ptr == nullptr) {
        return {};
    }
    return std::string(s.ptr, static_cast<size_t>(std::min<uint64_t>(s.len, max_len)));
}

} // namespace

// FNV-1a 64 over the file: identifies content for reload and in status.
bool StrategyCode::hash_file(const std::string& path, std::string& hex) {
    // Identity of content, not security: 8 bytes at a time, FNV-style mix.
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        return false;
    }
    uint64_t h = 0xcbf29ce484222325ULL;
    uint64_t buf[8192];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
        const size_t words = n / 8;
        for (size_t i = 0; i < words; ++i) {
            h = (h ^ buf[i]) * 0x100000001b3ULL;
            h ^= h >> 29;
        }
        const auto* tail = reinterpret_cast<const uint8_t*>(buf) + words * 8;
        for (size_t i = 0; i < n % 8; ++i) {
            h = (h ^ tail[i]) * 0x100000001b3ULL;
        }
        h ^= n;
    }
    const bool ok = std::ferror(f) == 0;
    std::fclose(f);
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    hex = out;
    return ok;
}

std::shared_ptr<NativePlugin> NativePlugin::load(const std::string& path, const std::string& cache_dir,
                                                 std::string* error) {
    namespace fs = std::filesystem;
    static std::atomic<uint64_t> counter{0};
    auto fail = [&](const std::string& msg) {
        *error = path + ": " + msg;
        return std::shared_ptr<NativePlugin>();
    };

    std::shared_ptr<NativePlugin> p(new NativePlugin());
    p->source_path_ = path;
    if (!StrategyCode::hash_file(path, p->content_hash_)) {
        return fail("cannot read the file");
    }
    if (const std::string bad = check_elf(path); !bad.empty()) {
        return fail(bad);
    }
    std::error_code ec;
    fs::create_directories(cache_dir, ec);
    const std::string stem = fs::path(path).stem().string();
    p->loaded_path_ = (fs::path(cache_dir) / (stem + "-" + p->content_hash_ + "-" +
                                              std::to_string(::getpid()) + "-" +
                                              std::to_string(counter.fetch_add(1)) + ".so"))
                          .string();
    fs::copy_file(path, p->loaded_path_, fs::copy_options::overwrite_existing, ec);
    if (ec) {
        return fail("cannot copy to " + p->loaded_path_ + ": " + ec.message());
    }
    auto lib = std::make_unique<Lib>();
    try {
        lib->lib.load(p->loaded_path_, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        fs::remove(p->loaded_path_, ec);
        return fail(std::string("dlopen failed (missing dependency or undefined symbol?): ") + e.what());
    }
    if (!lib->lib.has(SNP_PLUGIN_ENTRY_SYMBOL)) {
        lib.reset();
        fs::remove(p->loaded_path_, ec);
        return fail("missing entry symbol " SNP_PLUGIN_ENTRY_SYMBOL
                    " (export it with SNIPER_EXPORT_STRATEGY or SNP_EXPORT)");
    }
    p->lib_ = std::move(lib); // from here the destructor cleans up
    prefault_image(p->loaded_path_);
    auto entry = p->lib_->lib.get<const snp_plugin_manifest*(uint32_t)>(SNP_PLUGIN_ENTRY_SYMBOL);
    const snp_plugin_manifest* m = entry(SNP_ABI_VERSION);
    if (m == nullptr) {
        return fail("snp_plugin_entry returned NULL (the plugin refused host ABI " +
                    version_text(SNP_ABI_VERSION) + ")");
    }
    constexpr uint32_t kMinManifest = SNP_MANIFEST_SIZE_1_0;
    if (m->struct_size < kMinManifest) {
        return fail("malformed manifest: struct_size " + std::to_string(m->struct_size) +
                    " is smaller than ABI 1.0's " + std::to_string(kMinManifest));
    }
    p->abi_version_ = m->abi_version;
    if (SNP_ABI_VERSION_MAJOR(m->abi_version) != SNP_ABI_MAJOR) {
        return fail("built for strategy ABI " + version_text(m->abi_version) + ", host is ABI " +
                    version_text(SNP_ABI_VERSION) + " (the major version must match)");
    }
    p->name_ = str_of(m->name, 65);
    if (!valid_strategy_name(p->name_)) {
        return fail("manifest name \"" + p->name_.substr(0, 64) +
                    "\" is not a valid strategy name ([a-z0-9_]{1,64})");
    }
    p->version_ = str_of(m->version, 64);
    p->build_info_ = str_of(m->build_info, 256);
    p->event_mask_ = m->event_mask;
    p->state_version_ = m->state_version;
    const snp_strategy_vtable* vt = m->vtable;
    if (vt == nullptr) {
        return fail("malformed manifest: vtable is NULL");
    }
    constexpr uint32_t kMinVtable = offsetof(snp_strategy_vtable, save_state);
    if (vt->struct_size < kMinVtable) {
        return fail("malformed vtable: struct_size " + std::to_string(vt->struct_size) +
                    " is smaller than the " + std::to_string(kMinVtable) + " bytes of required entries");
    }
    std::memcpy(&p->vtable_, vt, std::min<size_t>(vt->struct_size, sizeof(snp_strategy_vtable)));
    p->vtable_.struct_size = sizeof(snp_strategy_vtable);
    if (p->vtable_.create == nullptr || p->vtable_.destroy == nullptr ||
        p->vtable_.on_event == nullptr) {
        return fail("malformed vtable: create, destroy and on_event are required");
    }
    return p;
}

NativePlugin::~NativePlugin() {
    if (lib_) {
        lib_->lib.unload();
        lib_.reset();
        // dlclose only unmaps when nothing pins the image (a unique symbol,
        // a thread_local with a destructor, another handle). Say so when it
        // stays: a reload then leaks the old image until exit.
        std::ifstream maps("/proc/self/maps");
        std::string line;
        while (std::getline(maps, line)) {
            if (line.find(loaded_path_) != std::string::npos) {
                g_still_mapped.fetch_add(1, std::memory_order_relaxed);
                log::warn("strategy", "plugin image still mapped after dlclose",
                          {{"file", source_path_}, {"loaded_path", loaded_path_}});
                break;
            }
        }
    }
    if (!loaded_path_.empty()) {
        std::error_code ec;
        std::filesystem::remove(loaded_path_, ec);
    }
}

} // namespace sniper
