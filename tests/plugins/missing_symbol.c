/* missing_symbol — a valid shared library that exports no snp_plugin_entry. */
int not_the_entry_point(void) { return 42; }
__attribute__((visibility("default"))) int exported_but_wrong(void) { return 1; }
