// HostFiles: the confinement rules of semihosting's host files, checked on a real directory.
#include "machine/semihost/host_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "machine/errors.h"

namespace unitag {
namespace {

namespace fs = std::filesystem;

class HostFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/unitag-semihost-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    root_ = base_ / "root";
    fs::create_directories(root_ / "sub");
    std::ofstream(root_ / "file.txt") << "inside\n";
    std::ofstream(base_ / "secret.txt") << "outside\n";
    fs::create_symlink(base_ / "secret.txt", root_ / "out_link");
    fs::create_symlink("file.txt", root_ / "in_link");
    fs::create_symlink(base_ / "not-yet", root_ / "dangling");
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_, root_;
};

TEST_F(HostFilesTest, OpensAndReadsAFileInsideTheRoot) {
  HostFiles files(root_.string(), false);
  const auto h = files.open("file.txt", 0);
  ASSERT_GT(h.value, 0);
  char buf[16] = {};
  EXPECT_EQ(files.read(h.value, buf, sizeof buf).value, 7);
  EXPECT_STREQ(buf, "inside\n");
  EXPECT_EQ(files.length(h.value).value, 7);
  EXPECT_EQ(files.close(h.value).value, 0);
  EXPECT_EQ(files.close(h.value).error, EBADF);
}

TEST_F(HostFilesTest, RefusesPathsThatLeaveTheRoot) {
  HostFiles files(root_.string(), true);
  for (const char* path : {"../secret.txt", "sub/../file.txt", "..", "out_link"}) {
    const auto r = files.open(path, 0);
    EXPECT_EQ(r.value, -1) << path;
    EXPECT_EQ(r.error, EACCES) << path;
  }
  const std::string absolute = (root_ / "file.txt").string();
  EXPECT_EQ(files.open(absolute, 0).error, EACCES) << "absolute paths are refused even inside";
}

TEST_F(HostFilesTest, DanglingSymlinkCannotCreateOutside) {
  HostFiles files(root_.string(), true);
  EXPECT_EQ(files.open("dangling", 4).error, EACCES);
  EXPECT_FALSE(fs::exists(base_ / "not-yet"));
}

TEST_F(HostFilesTest, SymlinkStayingInsideIsFollowed) {
  HostFiles files(root_.string(), false);
  const auto h = files.open("in_link", 0);
  ASSERT_GT(h.value, 0);
  EXPECT_EQ(files.length(h.value).value, 7);
}

TEST_F(HostFilesTest, WritesNeedPermission) {
  HostFiles files(root_.string(), false);
  for (uint64_t mode : {2, 4, 6, 8, 10}) EXPECT_EQ(files.open("file.txt", mode).error, EROFS);
  EXPECT_EQ(files.remove("file.txt").error, EROFS);
  EXPECT_EQ(files.rename("file.txt", "x.txt").error, EROFS);
  EXPECT_TRUE(fs::exists(root_ / "file.txt"));
}

TEST_F(HostFilesTest, WritesStayInsideWithPermission) {
  HostFiles files(root_.string(), true);
  const auto h = files.open("sub/new.txt", 4);
  ASSERT_GT(h.value, 0);
  EXPECT_EQ(files.write(h.value, "abc", 3).value, 3);
  files.close(h.value);
  EXPECT_EQ(fs::file_size(root_ / "sub/new.txt"), 3u);
  EXPECT_EQ(files.rename("sub/new.txt", "../moved.txt").error, EACCES);
  EXPECT_EQ(files.rename("sub/new.txt", "moved.txt").value, 0);
  EXPECT_EQ(files.remove("../secret.txt").error, EACCES);
  EXPECT_EQ(files.remove("moved.txt").value, 0);
  EXPECT_FALSE(fs::exists(root_ / "moved.txt"));
  // Removing a symlink that points outside removes the link, never its target.
  EXPECT_EQ(files.remove("out_link").value, 0);
  EXPECT_TRUE(fs::exists(base_ / "secret.txt"));
}

TEST_F(HostFilesTest, DirectoriesAreNotFiles) {
  HostFiles files(root_.string(), false);
  EXPECT_EQ(files.open("sub", 0).error, EISDIR);
}

TEST_F(HostFilesTest, ConsoleAndFeatureFile) {
  HostFiles files(root_.string(), false);
  EXPECT_EQ(files.kind(files.open(":tt", 0).value), HostFiles::Kind::kConsoleIn);
  EXPECT_EQ(files.kind(files.open(":tt", 4).value), HostFiles::Kind::kConsoleOut);
  const auto f = files.open(":semihosting-features", 0);
  ASSERT_GT(f.value, 0);
  EXPECT_EQ(files.length(f.value).value, 5);
  unsigned char buf[8] = {};
  EXPECT_EQ(files.read(f.value, buf, sizeof buf).value, 5);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 4), "SHFB");
  EXPECT_EQ(buf[4], 0x03);
}

TEST_F(HostFilesTest, HandlesAreNonzeroAndReused) {
  HostFiles files(root_.string(), false);
  const auto a = files.open("file.txt", 0), b = files.open("file.txt", 0);
  EXPECT_EQ(a.value, 1);
  EXPECT_EQ(b.value, 2);
  files.close(a.value);
  EXPECT_EQ(files.open("file.txt", 0).value, 1);
}

TEST_F(HostFilesTest, RootMustBeADirectory) {
  EXPECT_THROW(HostFiles((root_ / "file.txt").string(), false), UserError);
  EXPECT_THROW(HostFiles((root_ / "missing").string(), false), UserError);
}

}  // namespace
}  // namespace unitag
