#include "tests/runtime/net/test_ca.h"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace connaisseur::testing {

Status RunCommand(const std::string& command, const std::string& log_path) {
  std::string full = "(" + command + ") >>'" + log_path + "' 2>&1";
  int rc = std::system(full.c_str());
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    auto log = ReadFile(log_path);
    return InternalError("command failed: " + command + "\n" + (log.ok() ? *log : ""));
  }
  return Status::Ok();
}

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Status WriteFile(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) return InternalError("cannot write " + path);
  return Status::Ok();
}

StatusOr<std::string> MakeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return InternalError("mkdtemp failed for " + pattern);
  return std::string(buf.data());
}

StatusOr<std::unique_ptr<TestCa>> TestCa::Create() {
  CN_ASSIGN_OR_RETURN(std::string dir, MakeTempDir("cn-test-ca"));
  std::unique_ptr<TestCa> ca(new TestCa(dir));
  const std::string log = dir + "/openssl.log";
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  CN_RETURN_IF_ERROR(WriteFile(dir + "/server.ext",
                               "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                               "extendedKeyUsage=serverAuth\n"
                               "basicConstraints=critical,CA:FALSE\n"));
  CN_RETURN_IF_ERROR(RunCommand("cd '" + dir + "' && openssl req -x509 " + ec +
                                    " -keyout ca.key -out ca.crt -subj /CN=cn-test-ca -days 2",
                                log));
  CN_RETURN_IF_ERROR(RunCommand("cd '" + dir + "' && openssl req -new " + ec +
                                    " -keyout server.key -out server.csr -subj /CN=localhost",
                                log));
  CN_RETURN_IF_ERROR(RunCommand("cd '" + dir +
                                    "' && openssl x509 -req -in server.csr -CA ca.crt -CAkey "
                                    "ca.key -CAcreateserial -out server.crt -days 2 "
                                    "-extfile server.ext",
                                log));
  CN_ASSIGN_OR_RETURN(ca->ca_cert_pem_, ReadFile(ca->ca_cert_path()));
  CN_ASSIGN_OR_RETURN(ca->server_cert_pem_, ReadFile(ca->server_cert_path()));
  CN_ASSIGN_OR_RETURN(ca->server_key_pem_, ReadFile(ca->server_key_path()));
  return ca;
}

const TestCa* TestCa::Shared() {
  static const std::unique_ptr<TestCa> shared = [] {
    auto ca = Create();
    return ca.ok() ? std::move(ca).value() : nullptr;
  }();
  return shared.get();
}

TestCa::~TestCa() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace connaisseur::testing
