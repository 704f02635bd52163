// Unit tests of `arcade-mcp new`: name rules, the template language, and what a generation
// writes (all variants), refuses, and leaves behind on failure.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "project_generator.hpp"
#include "template_render.hpp"

namespace {
namespace fs = std::filesystem;
using namespace arcade_mcp_cli;

TEST(ProjectNames, DerivesTheToolkitAndNamespace) {
    const auto n = derive_names("my-tools", "");
    EXPECT_EQ(n.toolkit, "MyTools");
    EXPECT_EQ(n.name_snake, "my_tools");
    EXPECT_EQ(derive_names("demo", "Custom_Kit").toolkit, "Custom_Kit");
}

TEST(ProjectNames, RefusesNamesThatCannotNameEverything) {
    for (const char* bad : {"", "My-Tools", "1tools", "tools-", "a--b", "with space", "dot.name", "new", "class",
                            "main", "linux", "all", "test", "install", "clean", "package"})
        EXPECT_TRUE(invalid_project_name(bad).has_value()) << bad;
    EXPECT_FALSE(invalid_project_name("a").has_value());
    EXPECT_FALSE(invalid_project_name("weather-2").has_value());
    EXPECT_THROW(derive_names("ok", "Bad-Toolkit"), std::invalid_argument);
    EXPECT_THROW(derive_names("ok", "9Lives"), std::invalid_argument);
    EXPECT_THROW(derive_names("ok", std::string(60, 'A')), std::invalid_argument);
    try {
        derive_names("ok", "Bad.Kit");
        FAIL() << "a dotted toolkit name was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("toolkit"), std::string::npos) << e.what();
    }
}

TEST(TemplateRender, ReplacesKnownKeysAndKeepsOthers) {
    template_values v{{{"name", "demo"}}, {}};
    EXPECT_EQ(render_template("run {{name}}: ${{ vars.X }} {{unknown}}\n", v), "run demo: ${{ vars.X }} {{unknown}}\n");
}

TEST(TemplateRender, SectionsFollowTheirFlags) {
    template_values v{{}, {{"full", true}, {"deploy", false}}};
    EXPECT_EQ(render_template("a{{#full}} b{{/full}}{{#deploy}} c{{/deploy}}\n", v), "a b\n");
    EXPECT_EQ(render_template("one\n{{#deploy}}\ntwo\n{{/deploy}}\nthree\n", v), "one\nthree\n");
    EXPECT_EQ(render_template("one\n{{#full}}\ntwo\n{{/full}}\nthree\n", v), "one\ntwo\nthree\n");
    EXPECT_THROW(render_template("{{#full}} never closed", v), std::invalid_argument);
}

class Generate : public ::testing::Test {
protected:
    Generate() : dir_(fs::temp_directory_path() / ("arcade-mcp-new-" + std::to_string(::getpid()))) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    ~Generate() override { fs::remove_all(dir_); }
    new_project_options options(std::string name) const {
        new_project_options o;
        o.name = std::move(name);
        o.parent = dir_;
        o.templates = ARCADE_MCP_TEMPLATES_DIR;
        o.library_version = "1.2.3";
        return o;
    }
    static std::string read(const fs::path& p) {
        std::ifstream in(p);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
    fs::path dir_;
};

TEST_F(Generate, FullProjectHasEverythingNamed) {
    const auto r = generate_project(options("weather-tools"));
    const fs::path root = dir_ / "weather-tools";
    EXPECT_EQ(r.root, root);
    for (const char* f : {"CMakeLists.txt", "CMakePresets.json", "README.md", ".env.example", "src/main.cpp",
                          "src/tools.cpp", "src/upstream.cpp", "tests/tools_test.cpp", "tests/stdio_e2e.sh",
                          "Dockerfile", ".github/workflows/ci.yml", "deploy/k8s/base/deployment.yaml",
                          "deploy/k8s/overlays/example/kustomization.yaml",
                          "deploy/helm/arcade-mcp-server/Chart.yaml"})
        EXPECT_TRUE(fs::is_regular_file(root / f)) << f;
    const std::string tools = read(root / "src/tools.cpp");
    EXPECT_NE(tools.find("info.toolkit = \"WeatherTools\""), std::string::npos);
    EXPECT_NE(tools.find("namespace weather_tools"), std::string::npos);
    EXPECT_EQ(tools.find("{{"), std::string::npos) << "an unrendered placeholder";
    EXPECT_NE(read(root / "CMakeLists.txt").find("find_package(arcade_mcp 1.2 REQUIRED"), std::string::npos);
    EXPECT_NE(read(root / ".github/workflows/ci.yml").find("'1.2.3'"), std::string::npos);
    const std::string deployment = read(root / "deploy/k8s/base/deployment.yaml");
    EXPECT_NE(deployment.find("name: weather-tools"), std::string::npos);
    EXPECT_EQ(deployment.find("arcade-eval-ref"), std::string::npos);
    EXPECT_TRUE((fs::status(root / "tests/stdio_e2e.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
}

TEST_F(Generate, MinimalAndNoDeployLeaveOutWhatTheyPromise) {
    auto o = options("tiny");
    o.minimal = true;
    o.deploy = false;
    generate_project(o);
    const fs::path root = dir_ / "tiny";
    EXPECT_FALSE(fs::exists(root / "src/upstream.cpp"));
    EXPECT_FALSE(fs::exists(root / "Dockerfile"));
    EXPECT_FALSE(fs::exists(root / "deploy"));
    EXPECT_FALSE(fs::exists(root / ".github"));
    const std::string cmake = read(root / "CMakeLists.txt");
    EXPECT_EQ(cmake.find("CURL"), std::string::npos);
    EXPECT_EQ(read(root / "src/tools.hpp").find("FetchJson"), std::string::npos);
    EXPECT_EQ(read(root / "README.md").find("Dockerfile"), std::string::npos);
}

TEST_F(Generate, RefusesANonEmptyFolderAndLeavesItAlone) {
    fs::create_directories(dir_ / "taken");
    std::ofstream(dir_ / "taken" / "notes.txt") << "mine";
    EXPECT_THROW(generate_project(options("taken")), std::runtime_error);
    EXPECT_EQ(read(dir_ / "taken" / "notes.txt"), "mine");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "taken"), fs::directory_iterator()), 1);
    fs::create_directories(dir_ / "empty");
    EXPECT_NO_THROW(generate_project(options("empty")));
}

TEST_F(Generate, LeavesNothingBehindOnFailure) {
    auto o = options("broken");
    o.templates = dir_ / "no-templates";
    EXPECT_THROW(generate_project(o), std::runtime_error);
    EXPECT_THROW(generate_project(options("Bad_Name")), std::invalid_argument);
    EXPECT_TRUE(fs::is_empty(dir_)) << "a partial project was left behind";

    // Templates without the manifests: the project files are written, then copying k8s/ fails.
    const fs::path partial = fs::temp_directory_path() / ("arcade-mcp-templates-" + std::to_string(::getpid()));
    fs::remove_all(partial);
    fs::create_directories(partial);
    fs::copy(fs::path(ARCADE_MCP_TEMPLATES_DIR) / "project", partial / "project", fs::copy_options::recursive);
    auto half = options("half");
    half.templates = partial;
    EXPECT_THROW(generate_project(half), std::runtime_error);
    fs::remove_all(partial);
    EXPECT_TRUE(fs::is_empty(dir_)) << "the staging folder of a failed generation was left behind";
    half.deploy = false;  // the same templates serve a project without manifests
    fs::create_directories(partial);
    fs::copy(fs::path(ARCADE_MCP_TEMPLATES_DIR) / "project", partial / "project", fs::copy_options::recursive);
    EXPECT_NO_THROW(generate_project(half));
    fs::remove_all(partial);
}

}  // namespace
