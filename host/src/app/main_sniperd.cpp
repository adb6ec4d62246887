#include "app/daemon.hpp"
#include "app/decode_command.hpp"

#include <string_view>

int main(int argc, char** argv) {
    if (argc >= 2 && std::string_view(argv[1]) == "decode") {
        return sniper::decode_main(argc, argv);
    }
    return sniper::sniperd_main(argc, argv);
}
