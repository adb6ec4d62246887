/* broken_manifests — one source, several broken plugins, selected by a
 * define: wrong ABI major, NULL manifest, a manifest smaller than ABI 1.0,
 * a NULL vtable, an invalid name; and FUTURE_MINOR, a *valid* plugin built
 * against a newer minor version with a larger manifest (must load). */
#include <sniper/strategy_abi.h>

#include <stddef.h>

static void* create(const snp_host_api* h, snp_host_ctx* c, snp_str p, snp_error* e) {
    (void)h; (void)c; (void)p; (void)e;
    static int instance;
    return &instance;
}
static void destroy(void* self) { (void)self; }
static snp_status on_event(void* self, const snp_event_header* ev, snp_error* e) {
    (void)self; (void)ev; (void)e;
    return SNP_OK;
}

/* A future manifest: 1.0's fields, then fields this host does not know. */
typedef struct future_manifest {
    snp_plugin_manifest base;
    uint64_t future_field_a;
    uint64_t future_field_b;
} future_manifest;

typedef struct future_vtable {
    snp_strategy_vtable base;
    void* future_entry;
} future_vtable;

__attribute__((used)) static const future_vtable vt = {
    {sizeof(future_vtable), 0, create, destroy, on_event, NULL, NULL}, NULL};

#if defined(BROKEN_WRONG_MAJOR)
#define NAME "wrong_abi_major"
#define ABI ((2u << 16) | 0u)
#elif defined(BROKEN_BAD_NAME)
#define NAME "Bad Name!"
#define ABI SNP_ABI_VERSION
#elif defined(FUTURE_MINOR)
#define NAME "future_minor"
#define ABI ((SNP_ABI_MAJOR << 16) | (SNP_ABI_MINOR + 7u))
#else
#define NAME "broken"
#define ABI SNP_ABI_VERSION
#endif

__attribute__((used)) static const future_manifest manifest = {
    {
#if defined(BROKEN_SMALL_MANIFEST)
        8,
#else
        sizeof(future_manifest),
#endif
        ABI,
        {NAME, sizeof(NAME) - 1},
        {"0.0.1", 5},
        {"test", 4},
        SNP_EVENT_BIT(SNP_EVENT_NEW_POOL),
        1,
        0,
#if defined(BROKEN_NULL_VTABLE)
        NULL
#else
        &vt.base
#endif
    },
    1, 2};

SNP_EXPORT const snp_plugin_manifest* snp_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
#if defined(BROKEN_NULL_MANIFEST)
    return NULL;
#else
    return &manifest.base;
#endif
}
