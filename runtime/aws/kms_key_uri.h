// KmsKeyUri: the `awskms://` key references cosign accepts, parsed as cosign's AWS KMS provider
// parses them:
//   awskms://[ENDPOINT]/KEY-ID              1234abcd-12ab-34cd-56ef-1234567890ab, mrk-<32 hex>
//   awskms://[ENDPOINT]/alias/NAME
//   awskms://[ENDPOINT]/arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID
//   awskms://[ENDPOINT]/arn:PARTITION:kms:REGION:ACCOUNT:alias/NAME
// PARTITION is `aws` or `aws-us-gov`, ACCOUNT twelve digits. ENDPOINT (`host[:port]`), when
// given, is reached as https://ENDPOINT. Stricter than cosign where cosign would only fail later
// at KMS or build a strange URL: an empty alias name, control characters in an alias, and an
// endpoint with characters a host and port cannot contain (`@`, `?`, `#`, `%`, spaces) are
// refused here.
#pragma once

#include <string>
#include <string_view>

#include "runtime/status.h"

namespace connaisseur::aws {

inline constexpr std::string_view kAwsKmsScheme = "awskms://";

struct KmsKeyUri {
  std::string endpoint;   // "host[:port]" from the URI; empty when the URI names none
  std::string key_id;     // KMS's KeyId: the key id, key ARN, "alias/NAME" or alias ARN, verbatim
  std::string alias;      // "alias/NAME" for both alias forms; empty for keys
  std::string region;     // from an ARN; empty for the short forms
  std::string partition;  // from an ARN ("aws", "aws-us-gov"); empty for the short forms
};

// Whether `text` uses the awskms scheme at all (then ParseKmsKeyUri decides if it is valid).
bool IsAwsKmsUri(std::string_view text);

// kInvalidArgument naming the (escaped, shortened) input and the accepted forms when `uri` is
// not one of them.
StatusOr<KmsKeyUri> ParseKmsKeyUri(std::string_view uri);

}  // namespace connaisseur::aws
