// `connaisseur review` (docs/cli.md): one AdmissionReview in (file or stdin), the webhook's exact
// response out, through the same WebhookStack and admission::Reviewer as `serve`.
#pragma once

namespace connaisseur::cli {

// argv[0] is the subcommand's first argument (not the program name). Exit 0 when a response was
// printed (allowed or not), 2 on invalid input, usage or configuration errors.
int RunReview(int argc, char** argv);

}  // namespace connaisseur::cli
