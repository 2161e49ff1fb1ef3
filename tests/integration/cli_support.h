// The xronox CLI run as a process over a running xronoxd's data folder (or any config), with
// its exit code, stdout and stderr captured.
// Thread-safety: one test thread.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "integration/test_support.h"

namespace xronox::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliTest : public XronoxdTest {
 protected:
  // Runs the CLI over the server's data folder.
  CliResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {"--data", DataDir()});
    return CliWith(std::move(args));
  }

  // Runs the CLI to completion with stdout and stderr captured in files.
  CliResult CliWith(std::vector<std::string> args) {
    std::string out_file = dir_.path() + "/cli.out", err_file = dir_.path() + "/cli.err";
    pid_t pid = fork();
    if (pid == 0) {
      freopen(out_file.c_str(), "w", stdout);
      freopen(err_file.c_str(), "w", stderr);
      std::vector<char*> argv{const_cast<char*>(XRONOX_CLI_BINARY)};
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(XRONOX_CLI_BINARY, argv.data());
      _exit(127);
    }
    CliResult result;
    result.exit_code = WaitFor(pid, std::chrono::seconds(60)).value_or(-1);
    result.out = ReadFile(out_file);
    result.err = ReadFile(err_file);
    return result;
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  std::string DataDir() { return dir_.path() + "/data"; }
};

}  // namespace xronox::testing
