#include "app/daemon.hpp"

int main(int argc, char** argv) { return sniper::sniperd_main(argc, argv); }
