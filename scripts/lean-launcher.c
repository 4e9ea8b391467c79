/* bin/lean for the runtime-only sysroot: Lean's own command-line entry point, which
 * libleanshared.so exports. Built by scripts/setup. */
int lean_main(int argc, char **argv);
int main(int argc, char **argv) { return lean_main(argc, argv); }
