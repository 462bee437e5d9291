// Runs the built `connaisseur` binary (<build>/runtime/cli/connaisseur) as a child process
// with posix_spawn, feeding stdin from a string and capturing stdout, stderr and the exit status
// through files in a private temporary directory (no pipes, so large outputs cannot deadlock).
#pragma once

#include <string>
#include <vector>

namespace connaisseur::cli::testing {

struct RunResult {
  int exit_code = -1;  // -1 when the child did not exit normally
  std::string out;
  std::string err;
};

// A directory under $TMPDIR (or /tmp) removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `content` to path()/name (creating parent folders) and returns the full path.
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

std::string BinaryPath();

RunResult RunConnaisseur(const std::vector<std::string>& args, const std::string& stdin_text = "");

// Non-empty lines of `text`.
std::vector<std::string> Lines(const std::string& text);

}  // namespace connaisseur::cli::testing
