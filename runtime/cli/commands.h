// The subcommands of `connaisseur` (docs/cli.md). Each takes the arguments after its name, writes
// results to stdout and diagnostics to stderr, and returns the process exit code (docs/cli.md: 0, 1
// or 2).
#pragma once

#include <span>
#include <string_view>

namespace connaisseur::cli {

int RunCheckCommand(std::span<const std::string_view> args);
int RunLintCommand(std::span<const std::string_view> args);
int RunTestCommand(std::span<const std::string_view> args);
// One AdmissionReview in (a file or stdin), the webhook's exact response out, through the same
// WebhookStack as `serve`. 0 when a response was printed (allowed or not), 2 on invalid input,
// usage or configuration errors.
int RunReview(std::span<const std::string_view> args);
// The HTTPS admission webhook, until SIGTERM. 0 after a clean shutdown, 2 usage, configuration or
// script error.
int RunServe(std::span<const std::string_view> args);
// Signs an image in its registry as `cosign sign --key` does (validators/cosign/signer.h).
// 0 signed, 1 the registry or signing failed, 2 usage error or unreadable key.
int RunSign(std::span<const std::string_view> args);
// Writes a cosign-compatible key pair. 0 written, 2 usage error or a file that exists or cannot
// be written.
int RunGenerateKeyPair(std::span<const std::string_view> args);

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitDenied = 1;  // check: an image denied; test: a case failed
inline constexpr int kExitUsage = 2;   // usage, configuration or script error

}  // namespace connaisseur::cli
