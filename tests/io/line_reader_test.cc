// LineReader: the same lines as the whole-file reader (CRLF, no final
// newline, empty lines), errors naming file and line, and ready() telling an
// open pipe with nothing in it from one with a line waiting.
#include "io/line_reader.h"

#include <unistd.h>

#include <fstream>

#include "../test_util.h"
#include "io/text_input.h"

namespace tandem {
namespace {

std::string temp_file(const std::string& name, const std::string& bytes) {
  const std::string path = ::testing::TempDir() + "line_reader_" + std::to_string(getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::vector<std::string> all_lines(const std::string& path) {
  LineReader reader(path);
  std::vector<std::string> lines;
  for (std::string line; reader.next(line);) lines.push_back(line);
  return lines;
}

TEST(LineReader, SplitsLikeGetline) {
  using V = std::vector<std::string>;
  EXPECT_EQ(all_lines(temp_file("a", "")), V{});
  EXPECT_EQ(all_lines(temp_file("b", "\n")), V{""});
  EXPECT_EQ(all_lines(temp_file("c", "x\r\ny")), (V{"x", "y"}));
  EXPECT_EQ(all_lines(temp_file("d", "x\n\n\ny\n")), (V{"x", "", "", "y"}));
  std::string big(200000, 'a');  // longer than one read
  EXPECT_EQ(all_lines(temp_file("e", big + "\nb\n")), (V{big, "b"}));
}

TEST(LineReader, NamesTheBadLine) {
  const std::string path = temp_file("bad", "fine\nstill fine\nbad \xff\n");
  LineReader reader(path);
  std::string line;
  EXPECT_TRUE(reader.next(line));
  EXPECT_TRUE(reader.next(line));
  EXPECT_NE(test::error_of([&] { reader.next(line); }).find(path + ":3: invalid UTF-8 at byte 5"), std::string::npos);
  EXPECT_NE(test::error_of([&] { read_lines(path); }).find(path + ":3: invalid UTF-8"), std::string::npos);
}

TEST(LineReader, ReadyTellsAnOpenEmptyPipeFromALineWaiting) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const std::string path = "/dev/fd/" + std::to_string(fds[0]);
  LineReader reader(path);
  EXPECT_FALSE(reader.ready(30)) << "nothing written yet";
  ASSERT_EQ(write(fds[1], "one\ntw", 6), 6);
  EXPECT_TRUE(reader.ready(30));
  std::string line;
  EXPECT_TRUE(reader.next(line));
  EXPECT_EQ(line, "one");
  EXPECT_FALSE(reader.ready(30)) << "half a line is not a line";
  ASSERT_EQ(write(fds[1], "o\n", 2), 2);
  close(fds[1]);
  EXPECT_TRUE(reader.ready(30));
  EXPECT_TRUE(reader.next(line));
  EXPECT_EQ(line, "two");
  EXPECT_TRUE(reader.ready(30)) << "the end is ready too";
  EXPECT_FALSE(reader.next(line));
  close(fds[0]);
}

}  // namespace
}  // namespace tandem
