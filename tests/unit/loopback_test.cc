// A listen host is loopback by the addresses it resolves to, not by how it is spelled.
#include "server/transport/loopback.h"

#include <gtest/gtest.h>

namespace xronox::server {
namespace {

TEST(LoopbackTest, LoopbackAddressesAndNames) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(ResolvesToLoopbackOnly(host)) << host;
  }
}

TEST(LoopbackTest, OtherAddressesAndUnresolvableNamesAreNot) {
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "192.168.1.1", "::ffff:10.0.0.1",
                           "127.example.invalid", "127.0.0.1.example.invalid", "", "128.0.0.1"}) {
    EXPECT_FALSE(ResolvesToLoopbackOnly(host)) << host;
  }
}

}  // namespace
}  // namespace xronox::server
