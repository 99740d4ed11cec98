/* The initramfs's /init for Linux on unitag: a static program built with the Linux cross
   compiler (riscv64-linux-gnu-gcc, glibc). It prints through the console, says how
   many CPUs the kernel brought up, runs the program named on the kernel command line after `--`
   (with its arguments; `unitag bench --suite monolithic` runs its workloads this way), and powers
   the machine off (SBI SRST, then the test finisher), so the emulator's run ends with exit
   code 0. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int count_cpus(void) {
  /* /sys/devices/system/cpu/online reads "0" or "0-3" */
  char buf[32] = {0};
  int fd = open("/sys/devices/system/cpu/online", O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  int last = 0;
  for (ssize_t i = 0; i < n && buf[i] != '\n'; ++i) {
    if (buf[i] == '-' || buf[i] == ',') last = 0;
    else if (buf[i] >= '0' && buf[i] <= '9') last = last * 10 + (buf[i] - '0');
  }
  return last + 1;
}

/* The program's own exit status is printed, not returned: init must not exit. */
static void run_program(char** argv) {
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    char* env[] = {"PATH=/bin", 0};
    execve(argv[0], argv, env);
    perror("init: execve");
    _exit(127);
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) {
    perror("init: fork/waitpid");
    return;
  }
  if (WIFEXITED(status))
    printf("init: %s exited with status %d\n", argv[0], WEXITSTATUS(status));
  else
    printf("init: %s killed by signal %d\n", argv[0], WTERMSIG(status));
}

int main(int argc, char** argv) {
  printf("init: hello from user space on Linux\n");
  mkdir("/sys", 0755);
  if (mount("sysfs", "/sys", "sysfs", 0, 0) == 0) printf("init: %d CPUs online\n", count_cpus());
  if (argc > 1) run_program(argv + 1);
  printf("init: powering off\n");
  fflush(stdout);
  reboot(RB_POWER_OFF);
  return 1;
}
