// Tests for the python-dotenv compatible .env parser, finder and loader.
#include "app/dotenv.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

namespace arcade_mcp::detail {
namespace {

namespace fs = std::filesystem;

struct temp_dir {
    fs::path path;
    temp_dir() {
        static std::atomic<int> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path = fs::temp_directory_path() /
               ("arcade_dotenv_test_" + std::to_string(::getpid()) + "_" + std::to_string(stamp) +
                "_" + std::to_string(counter++));
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
};

void write_file(const fs::path& p, const std::string& content) {
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << content;
}

std::string value_of(const dotenv_parse_result& r, const std::string& key) {
    for (const auto& e : r.entries) {
        if (e.key == key) return e.value;
    }
    return "<missing>";
}

TEST(ParseDotenv, BasicForms) {
    const auto r = parse_dotenv(
        "# comment\n"
        "\n"
        "A=1\n"
        "  B  =  two words  \n"
        "export C=3\n"
        "D=value # trailing comment\n"
        "E=no#comment\n"
        "F=\n"
        "G='single $literal \\n'\n"
        "H=\"double\\nline \\\"q\\\" back\\\\slash\"\n"
        "I=\"x\" # comment after quotes\n"
        "J=#not a comment\n"
        "'K'=quoted key\n"
        "L=a=b\n"
        "M='it\\'s'\n"
        "BARE\n"
        "N=\"multi\n"
        "line\"\n"
        "O=last");
    EXPECT_TRUE(r.errors.empty()) << r.errors.front();
    ASSERT_EQ(r.entries.size(), 15u);
    EXPECT_EQ(value_of(r, "A"), "1");
    EXPECT_EQ(value_of(r, "B"), "two words");
    EXPECT_EQ(value_of(r, "C"), "3");
    EXPECT_EQ(value_of(r, "D"), "value");
    EXPECT_EQ(value_of(r, "E"), "no#comment");
    EXPECT_EQ(value_of(r, "F"), "");
    EXPECT_EQ(value_of(r, "G"), "single $literal \\n");
    EXPECT_EQ(value_of(r, "H"), "double\nline \"q\" back\\slash");
    EXPECT_EQ(value_of(r, "I"), "x");
    EXPECT_EQ(value_of(r, "J"), "#not a comment");
    EXPECT_EQ(value_of(r, "K"), "quoted key");
    EXPECT_EQ(value_of(r, "L"), "a=b");
    EXPECT_EQ(value_of(r, "M"), "it's");
    EXPECT_EQ(value_of(r, "BARE"), "<missing>");
    EXPECT_EQ(value_of(r, "N"), "multi\nline");
    EXPECT_EQ(value_of(r, "O"), "last");
    EXPECT_EQ(r.entries.front().key, "A");
}

TEST(ParseDotenv, WindowsLineEndingsAndBom) {
    const auto r = parse_dotenv("\xEF\xBB\xBFX=1\r\nY=\"2\"\r\n\r\nZ=3 \r\n");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(value_of(r, "X"), "1");
    EXPECT_EQ(value_of(r, "Y"), "2");
    EXPECT_EQ(value_of(r, "Z"), "3");
}

TEST(ParseDotenv, ReportsInvalidLinesWithLineNumbersAndNoValues) {
    const auto r = parse_dotenv(
        "GOOD=1\n"
        "=secretvalue\n"
        "BAD KEY=x\n"
        "Q=\"unterminated secretvalue\n"
        "AFTER=ok\n"
        "T='quoted' trailing-secretvalue\n");
    ASSERT_EQ(r.errors.size(), 4u);
    EXPECT_EQ(r.errors[0].rfind("line 2:", 0), 0u) << r.errors[0];
    EXPECT_EQ(r.errors[1].rfind("line 3:", 0), 0u) << r.errors[1];
    EXPECT_EQ(r.errors[2].rfind("line 4:", 0), 0u) << r.errors[2];
    EXPECT_EQ(r.errors[3].rfind("line 6:", 0), 0u) << r.errors[3];
    for (const auto& e : r.errors) EXPECT_EQ(e.find("secretvalue"), std::string::npos) << e;
    EXPECT_EQ(value_of(r, "GOOD"), "1");
    EXPECT_EQ(value_of(r, "AFTER"), "ok");
    EXPECT_EQ(value_of(r, "T"), "<missing>");
}

TEST(FindDotenv, WalksUpToProjectRoot) {
    temp_dir tmp;
    const auto root = tmp.path / "project";
    const auto deep = root / "a" / "b";
    fs::create_directories(deep);
    write_file(root / "pyproject.toml", "");
    write_file(root / ".env", "X=1\n");
    EXPECT_EQ(find_dotenv(deep), root / ".env");

    write_file(root / "a" / ".env", "X=2\n");
    EXPECT_EQ(find_dotenv(deep), root / "a" / ".env");
}

TEST(FindDotenv, StopsAtGitOrPyproject) {
    temp_dir tmp;
    write_file(tmp.path / ".env", "OUTSIDE=1\n");
    const auto repo = tmp.path / "repo";
    fs::create_directories(repo / ".git");
    fs::create_directories(repo / "src");
    EXPECT_FALSE(find_dotenv(repo / "src").has_value());
    EXPECT_FALSE(find_dotenv(repo).has_value());

    const auto other = tmp.path / "other" / "sub";
    fs::create_directories(other);
    write_file(tmp.path / "other" / "pyproject.toml", "");
    EXPECT_FALSE(find_dotenv(other).has_value());

    // Without a marker the walk continues to the parent that has the .env.
    const auto plain = tmp.path / "plain" / "x";
    fs::create_directories(plain);
    EXPECT_EQ(find_dotenv(plain), tmp.path / ".env");
}

TEST(FindDotenv, IgnoresDirectoryNamedDotEnv) {
    temp_dir tmp;
    fs::create_directories(tmp.path / "p" / ".env");
    fs::create_directories(tmp.path / "p" / ".git");
    EXPECT_FALSE(find_dotenv(tmp.path / "p").has_value());
}

TEST(LoadDotenvFile, RealEnvironmentWinsAndLastDuplicateWins) {
    temp_dir tmp;
    const auto file = tmp.path / ".env";
    write_file(file,
               "ARCADE_DOTENV_TEST_NEW=from_file\n"
               "ARCADE_DOTENV_TEST_EXISTING=from_file\n"
               "ARCADE_DOTENV_TEST_DUP=first\n"
               "ARCADE_DOTENV_TEST_DUP=second\n");
    ::setenv("ARCADE_DOTENV_TEST_EXISTING", "from_env", 1);
    ::unsetenv("ARCADE_DOTENV_TEST_NEW");
    ::unsetenv("ARCADE_DOTENV_TEST_DUP");
    EXPECT_FALSE(load_dotenv_file(file).has_value());
    EXPECT_STREQ(std::getenv("ARCADE_DOTENV_TEST_NEW"), "from_file");
    EXPECT_STREQ(std::getenv("ARCADE_DOTENV_TEST_EXISTING"), "from_env");
    EXPECT_STREQ(std::getenv("ARCADE_DOTENV_TEST_DUP"), "second");
    ::unsetenv("ARCADE_DOTENV_TEST_NEW");
    ::unsetenv("ARCADE_DOTENV_TEST_EXISTING");
    ::unsetenv("ARCADE_DOTENV_TEST_DUP");
}

TEST(LoadDotenvFile, ReportsInvalidLinesWithoutValuesButLoadsValidOnes) {
    temp_dir tmp;
    const auto file = tmp.path / "bad.env";
    write_file(file, "ARCADE_DOTENV_TEST_OK=1\nAPI_KEY \"hunter2\"\n");
    ::unsetenv("ARCADE_DOTENV_TEST_OK");
    const auto error = load_dotenv_file(file);
    ASSERT_TRUE(error.has_value());
    EXPECT_NE(error->find("line 2"), std::string::npos) << *error;
    EXPECT_NE(error->find("API_KEY"), std::string::npos) << *error;
    EXPECT_EQ(error->find("hunter2"), std::string::npos) << *error;
    EXPECT_EQ(error->find('\n'), std::string::npos);
    EXPECT_STREQ(std::getenv("ARCADE_DOTENV_TEST_OK"), "1");
    ::unsetenv("ARCADE_DOTENV_TEST_OK");
}

TEST(LoadDotenvFile, UnreadableFile) {
    temp_dir tmp;
    const auto missing = load_dotenv_file(tmp.path / "missing.env");
    ASSERT_TRUE(missing.has_value());
    EXPECT_NE(missing->find("missing.env"), std::string::npos);
    const auto dir = load_dotenv_file(tmp.path);
    ASSERT_TRUE(dir.has_value());
    EXPECT_NE(dir->find("directory"), std::string::npos);
}

}  // namespace
}  // namespace arcade_mcp::detail
