// The user's own git, for the network (fetch, push, clone) and status.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "store/git.hpp"

extern char** environ;

namespace crm {

int run_git(const std::string& root, const std::vector<std::string>& args, std::string* out, std::string* err) {
  int pipefd[2] = {-1, -1};
  if (out && ::pipe2(pipefd, O_CLOEXEC) != 0) return 127;
  // stderr into memory, not a file: crm writes nothing outside the repository.
  int errfd = err ? ::memfd_create("git-stderr", MFD_CLOEXEC) : -1;
  // Everything the child needs is made before fork(): it may run while other threads hold locks.
  std::vector<const char*> argv = {"git", "-C", root.c_str()};
  for (const auto& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  std::vector<const char*> envp;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "GIT_TERMINAL_PROMPT=", 20) != 0 || ::isatty(STDIN_FILENO)) envp.push_back(*e);
  if (!::isatty(STDIN_FILENO)) envp.push_back("GIT_TERMINAL_PROMPT=0");  // a cron job must not wait for a password
  envp.push_back(nullptr);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return 127;
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) _exit(127);  // crm died before the line above
    if (out) ::dup2(pipefd[1], STDOUT_FILENO);
    else ::dup2(STDERR_FILENO, STDOUT_FILENO);  // git's chatter is for people: never on our stdout
    if (errfd >= 0) ::dup2(errfd, STDERR_FILENO);
    execvpe("git", const_cast<char* const*>(argv.data()), const_cast<char* const*>(envp.data()));
    _exit(127);
  }
  auto drain = [](int fd, std::string& into) {
    char buf[8192];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) != 0) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) break;
      into.append(buf, static_cast<size_t>(n));
    }
  };
  if (out) {
    ::close(pipefd[1]);
    drain(pipefd[0], *out);
    ::close(pipefd[0]);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (errfd >= 0) {
    ::lseek(errfd, 0, SEEK_SET);
    drain(errfd, *err);
    ::close(errfd);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace crm
