#include "runtime/cli/cosign_passphrase.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace connaisseur::cli {
namespace {

// Reads one line from the terminal with echo off.
StatusOr<std::string> Prompt(int tty, const char* question) {
  if (write(tty, question, std::char_traits<char>::length(question)) < 0) {
    return InvalidArgumentError("cannot write to the terminal");
  }
  termios old_mode{};
  const bool is_term = tcgetattr(tty, &old_mode) == 0;
  if (is_term) {
    termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  std::string line;
  char c;
  while (read(tty, &c, 1) == 1 && c != '\n') line.push_back(c);
  if (is_term) tcsetattr(tty, TCSAFLUSH, &old_mode);
  if (write(tty, "\n", 1) < 0) { /* the newline is cosmetic */
  }
  return line;
}

}  // namespace

StatusOr<std::string> CosignPassphrase(bool confirm) {
  if (const char* env = std::getenv("COSIGN_PASSWORD")) return std::string(env);
  const int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) {
    return InvalidArgumentError("no passphrase: set COSIGN_PASSWORD or run on a terminal");
  }
  auto first = Prompt(tty, "Enter password for private key: ");
  StatusOr<std::string> result = first;
  if (first.ok() && confirm) {
    auto again = Prompt(tty, "Enter password for private key again: ");
    if (!again.ok() || *again != *first) result = InvalidArgumentError("passwords do not match");
  }
  close(tty);
  return result;
}

}  // namespace connaisseur::cli
