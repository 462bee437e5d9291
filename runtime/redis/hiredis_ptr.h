// Owning pointers for hiredis objects. The only place in the tree that names hiredis' free
// functions.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>

namespace connaisseur::redis {

struct ReaderFree {
  void operator()(redisReader* reader) const { redisReaderFree(reader); }
};
using ReaderPtr = std::unique_ptr<redisReader, ReaderFree>;

// What redisReaderGetReply hands out (a redisReply* behind void*).
struct ReplyFree {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

// What redisFormatCommandArgv writes.
struct CommandFree {
  void operator()(char* command) const { redisFreeCommand(command); }
};
using CommandPtr = std::unique_ptr<char, CommandFree>;

}  // namespace connaisseur::redis
