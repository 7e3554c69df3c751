/* highlight_lang.c — one table per language for highlight.c: names and aliases (as Hugo's
 * Chroma, Jekyll's Rouge and GitHub's linguist take them), words by class, comment and
 * string delimiters, operators. Classes are Pygments' short names. */
#include "highlight.h"

#include <stddef.h>

#define C_OPS   "+-*/%=&|<>!~^?"
#define C_PUNCT "()[]{},;.:"

static const struct highlight_words rust_words[] = {
    {"k", "as async await box const crate dyn else extern for if impl in loop match move mut "
          "pub ref return static super trait unsafe use where while mod fn struct enum type "
          "union break continue"},
    {"kr", "abstract become do final macro override priv typeof try unsized virtual yield"},
    {"kc", "true false"},
    {"kd", "let"},
    {"kt", "u8 u16 u32 u64 u128 i8 i16 i32 i64 i128 usize isize f32 f64 char str bool"},
    {"bp", "self Self"},
    {"nb", "Copy Send Sized Sync Unpin Drop Fn FnMut FnOnce drop Box ToOwned Clone PartialEq "
           "PartialOrd Eq Ord AsRef AsMut Into From Default Iterator Extend IntoIterator "
           "DoubleEndedIterator ExactSizeIterator Option Some None Result Ok Err String "
           "ToString Vec"},
    {NULL, NULL}};

static const struct highlight_lang lang_rust = {
    .names = "rust rs",
    .mode = HL_CODE,
    .flags = HL_NEST_COMMENT | HL_CHAR_LIFETIME | HL_RUST,
    .words = rust_words,
    .line_comment = {"//"},
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"",
    .str_prefix = "b",
    .fn_after = "fn",
    .class_after = "struct enum type union",
    .plain_ops = ":: : ->",
    .type_ops = ": ->",
    .ops = "+-*/%&|<>^!~@=?",
    .punct = "()[]{},.;",
};

static const struct highlight_words c_words[] = {
    {"k", "auto break case const continue default do else enum extern for goto if inline "
          "register restrict return sizeof static struct switch typedef union volatile while "
          "_Alignas _Alignof _Atomic _Generic _Noreturn _Static_assert _Thread_local asm"},
    {"kt", "char double float int long short signed unsigned void _Bool _Complex bool size_t "
           "ssize_t ptrdiff_t intptr_t uintptr_t int8_t int16_t int32_t int64_t uint8_t "
           "uint16_t uint32_t uint64_t wchar_t FILE va_list off_t time_t"},
    {"nb", "NULL true false"},
    {NULL, NULL}};

static const struct highlight_lang lang_c = {
    .names = "c h",
    .mode = HL_CODE,
    .flags = HL_PREPROC | HL_STR_LINE | HL_CALL_FN,
    .words = c_words,
    .line_comment = {"//"},
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'",
    .str_prefix = "L u U u8",
    .ops = C_OPS,
    .punct = C_PUNCT,
};

static const struct highlight_words cpp_words[] = {
    {"k", "alignas alignof and and_eq asm auto bitand bitor break case catch class compl "
          "concept const consteval constexpr constinit const_cast continue co_await co_return "
          "co_yield decltype default delete do dynamic_cast else enum explicit export extern "
          "for friend goto if inline mutable namespace new noexcept not not_eq operator or "
          "or_eq private protected public register reinterpret_cast requires return sizeof "
          "static static_assert static_cast struct switch template this thread_local throw "
          "try typedef typeid typename union using virtual volatile while xor xor_eq "
          "override final"},
    {"kt", "bool char char8_t char16_t char32_t double float int long short signed unsigned "
           "void wchar_t size_t"},
    {"kc", "nullptr"},
    {"nb", "NULL true false"},
    {NULL, NULL}};

static const struct highlight_lang lang_cpp = {
    .names = "cpp c++ cxx cc hpp hxx h++",
    .mode = HL_CODE,
    .flags = HL_PREPROC | HL_STR_LINE | HL_DECL_FN,
    .words = cpp_words,
    .line_comment = {"//"},
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'",
    .str_prefix = "L u U u8 R",
    .class_after = "class struct enum union namespace",
    .ops = C_OPS,
    .punct = C_PUNCT,
};

static const struct highlight_words go_words[] = {
    {"k", "break case chan const continue default defer else fallthrough for func go goto "
          "if import interface map package range return select struct switch type var"},
    {"kt", "bool byte complex64 complex128 error float32 float64 int8 int16 int32 int64 "
           "string uint8 uint16 uint32 uint64 int uint uintptr rune any"},
    {"kc", "true false iota nil"},
    {"nb", "append cap close complex copy delete imag len make new panic print println real "
           "recover min max clear"},
    {NULL, NULL}};

static const struct highlight_lang lang_go = {
    .names = "go golang",
    .mode = HL_CODE,
    .flags = HL_STR_LINE,
    .words = go_words,
    .line_comment = {"//"},
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'`",
    .ops = C_OPS ":",
    .punct = "()[]{},;.",
};

static const struct highlight_words python_words[] = {
    {"k", "assert async await break continue del elif else except finally for global if "
          "lambda pass raise nonlocal return try while yield with as def class"},
    {"kn", "import from"},
    {"ow", "and in is not or"},
    {"kc", "True False None"},
    {"bp", "self cls"},
    {"nb", "abs all any ascii bin bool breakpoint bytearray bytes callable chr classmethod "
           "compile complex delattr dict dir divmod enumerate eval exec filter float format "
           "frozenset getattr globals hasattr hash hex id input int isinstance issubclass "
           "iter len list locals map max memoryview min next object oct open ord pow print "
           "property range repr reversed round set setattr slice sorted staticmethod str sum "
           "super tuple type vars zip"},
    {"ne", "Exception ValueError TypeError KeyError IndexError RuntimeError OSError "
           "AttributeError StopIteration NotImplementedError"},
    {NULL, NULL}};

static const struct highlight_lang lang_python = {
    .names = "python py python3 py3 gyp",
    .mode = HL_CODE,
    .flags = HL_TRIPLE | HL_DECORATOR | HL_STR_LINE,
    .words = python_words,
    .line_comment = {"#"},
    .quotes = "\"'",
    .str_prefix = "r u b f rb br fr rf R U B F RB BR FR RF",
    .fn_after = "def",
    .class_after = "class",
    .ops = "+-*/%=&|<>!~^@",
    .punct = "()[]{},;.:",
};

static const struct highlight_words js_words[] = {
    {"k", "await break case catch continue debugger default delete do else export extends "
          "finally for if import in instanceof new return super switch this throw try typeof "
          "void while with yield of as from async get set static"},
    {"kd", "var let const function class"},
    {"kc", "true false null undefined NaN Infinity"},
    {"kr", "enum implements interface package private protected public"},
    {"nb", "Array Boolean Date Error Function Math Number Object RegExp String Promise Map "
           "Set JSON Symbol console window document parseInt parseFloat isNaN"},
    {NULL, NULL}};

static const struct highlight_lang lang_js = {
    .names = "javascript js jsx mjs cjs node",
    .mode = HL_CODE,
    .flags = HL_REGEX | HL_INTERP,
    .words = js_words,
    .line_comment = {"//"},
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'`",
    .fn_after = "function",
    .class_after = "class extends",
    .ident_extra = "$",
    .ops = "+-*/%=&|<>!~^?",
    .punct = "()[]{},;.:",
};

static const struct highlight_words ts_words[] = {
    {"k", "await break case catch continue debugger default delete do else export extends "
          "finally for if import in instanceof new return super switch this throw try typeof "
          "void while with yield of as from async get set static implements readonly "
          "declare is infer satisfies abstract"},
    {"kd", "var let const function class interface type enum namespace module"},
    {"kc", "true false null undefined NaN Infinity"},
    {"kr", "private protected public"},
    {"kt", "string number boolean any never object symbol bigint"},
    {"nb", "Array Boolean Date Error Function Math Number Object RegExp String Promise Map "
           "Set JSON Symbol console window document"},
    {NULL, NULL}};

static const struct highlight_lang lang_ts = {
    .names = "typescript ts tsx mts cts",
    .mode = HL_CODE,
    .flags = HL_REGEX | HL_DECORATOR | HL_INTERP,
    .type_ops = ":",
    .type_cls = "kt",
    .words = ts_words,
    .line_comment = {"//"},
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'`",
    .fn_after = "function",
    .class_after = "class interface extends implements",
    .ident_extra = "$",
    .ops = "+-*/%=&|<>!~^?",
    .punct = "()[]{},;.:",
};

static const struct highlight_words java_words[] = {
    {"k", "assert break case catch continue default do else finally for if goto instanceof "
          "new return switch this throw try while super yield throws var"},
    {"kd", "abstract const enum extends final implements native private protected public "
           "sealed static strictfp synchronized transient volatile non-sealed permits record"},
    {"kt", "boolean byte char double float int long short void"},
    {"kc", "true false null"},
    {"kn", "package import"},
    {"k", "class interface"},
    {NULL, NULL}};

static const struct highlight_lang lang_java = {
    .names = "java",
    .mode = HL_CODE,
    .flags = HL_DECORATOR | HL_STR_LINE | HL_DECL_FN,
    .ns_after = "package import",
    .attr_ops = ".",
    .words = java_words,
    .line_comment = {"//"},
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'",
    .class_after = "class interface enum record",
    .ops = "+-*/%=&|<>!~^?:",
    .punct = "()[]{},;.",
};

static const struct highlight_words json_words[] = {{"kc", "true false null"}, {NULL, NULL}};

static const struct highlight_lang lang_json = {
    .names = "json jsonc json5 geojson jsonl",
    .mode = HL_CODE,
    .flags = HL_KEY_STRING,
    .words = json_words,
    .line_comment = {"//"},
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"",
    .ops = "-",
    .punct = "{}[],:",
};

static const struct highlight_lang lang_yaml = {
    .names = "yaml yml",
    .mode = HL_YAML,
};

static const struct highlight_words toml_words[] = {{"kc", "true false inf nan"}, {NULL, NULL}};

static const struct highlight_lang lang_toml = {
    .names = "toml",
    .mode = HL_TOML,
    .words = toml_words,
    .ident_extra = "-",
};

static const struct highlight_words sh_words[] = {
    {"k", "if then else elif fi for while until do done case esac in function select "
          "return break continue"},
    {"nb", "alias bg bind builtin caller cd command compgen complete declare dirs disown echo "
           "enable eval exec exit export false fc fg getopts hash help history jobs kill let "
           "local logout popd printf pushd pwd read readonly set shift shopt source suspend "
           "test time times trap true type typeset ulimit umask unalias unset wait"},
    {NULL, NULL}};

static const struct highlight_lang lang_sh = {
    .names = "bash sh shell zsh ksh ash dash fish shellscript",
    .mode = HL_CODE,
    .flags = HL_DOLLAR_VAR | HL_HASH_WORD | HL_SHELL,
    .words = sh_words,
    .line_comment = {"#"},
    .quotes = "\"'",
    .ident_extra = "-",
    .ops = "=[]",
    .punct = ";&|(){}",
};

static const struct highlight_lang lang_console = {
    .names = "console shell-session shellsession sh-session bash-session zsh-session "
             "terminal shell_session",
    .mode = HL_SESSION,
    .inner = {&lang_sh, NULL},
};

static const struct highlight_lang lang_css;

static const struct highlight_lang lang_html = {
    .names = "html htm xhtml",
    .mode = HL_MARKUP,
    .inner = {&lang_js, &lang_css},
};

static const struct highlight_lang lang_xml = {
    .names = "xml svg xsd xsl xslt rss atom plist wsdl",
    .mode = HL_MARKUP,
    .flags = HL_XML,
};

static const struct highlight_lang lang_css = {
    .names = "css",
    .mode = HL_CSS,
    .quotes = "\"'",
};

static const struct highlight_words sql_words[] = {
    {"k", "add all alter and any as asc begin between by cascade case check column commit "
          "constraint create cross database default delete desc distinct drop else end "
          "except exists foreign from full group having if in index inner insert intersect "
          "into is join key left like limit not null offset on or order outer primary "
          "procedure references replace returning right rollback select set table then to "
          "transaction trigger truncate union unique update using values view when where with "
          "count sum avg min max coalesce over partition row_number"},
    {"nb", "int integer bigint smallint serial bigserial varchar char text boolean bool date "
           "timestamp timestamptz time interval numeric decimal real float double blob uuid "
           "json jsonb"},
    {"kc", "true false"},
    {NULL, NULL}};

static const struct highlight_lang lang_sql = {
    .names = "sql mysql postgresql postgres psql plpgsql sqlite sqlite3 tsql plsql",
    .mode = HL_CODE,
    .flags = HL_NOCASE | HL_QUOTE_DOUBLE,
    .words = sql_words,
    .line_comment = {"--"},
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "'",
    .ops = "+-*/%=<>!|",
    .punct = "(),;.",
};

static const struct highlight_lang lang_diff = {
    .names = "diff patch udiff",
    .mode = HL_DIFF,
};

static const struct highlight_words ruby_words[] = {
    {"k", "alias and begin break case class def defined? do else elsif end ensure for if in "
          "module next not or redo rescue retry return then undef unless until when while "
          "yield super __FILE__ __LINE__"},
    {"kp", "attr_accessor attr_reader attr_writer include extend private protected public "
           "loop"},
    {"kc", "true false nil"},
    {"bp", "self"},
    {"nb", "puts print p format lambda proc raise require require_relative warn printf "
           "sprintf exit gets"},
    {NULL, NULL}};

static const struct highlight_lang lang_ruby = {
    .names = "ruby rb duby gemfile rake podspec",
    .mode = HL_CODE,
    .flags = HL_REGEX | HL_INTERP | HL_SYMBOL,
    .words = ruby_words,
    .line_comment = {"#"},
    .quotes = "\"'`",
    .fn_after = "def",
    .class_after = "class module",
    .ident_extra = "?",
    .ops = "+-*/%=&|<>!~^",
    .punct = "()[]{},;.:",
};

static const struct highlight_words php_words[] = {
    {"k", "abstract and as break case catch class clone const continue declare default do "
          "echo else elseif empty enddeclare endfor endforeach endif endswitch endwhile eval "
          "exit extends final finally fn for foreach function global goto if implements "
          "include include_once instanceof insteadof interface isset list match namespace "
          "new or print private protected public readonly require require_once return static "
          "switch throw trait try unset use var while xor yield"},
    {"kc", "true false null TRUE FALSE NULL"},
    {"nb", "trim isset min max count strlen json_encode json_decode header "
           "http_response_code file_get_contents file_put_contents array_map array_filter "
           "array_keys array_values in_array implode explode sprintf printf str_replace "
           "strtolower strtoupper substr strpos is_array is_string intval var_dump"},
    {NULL, NULL}};

static const struct highlight_lang lang_php = {
    .names = "php php3 php4 php5 php7 php8 inc",
    .mode = HL_CODE,
    .flags = HL_DOLLAR_VAR | HL_PHP_OPEN,
    .words = php_words,
    .line_comment = {"//", "#"},
    .block_open = "/*",
    .block_close = "*/",
    .quotes = "\"'`",
    .fn_after = "function",
    .class_after = "class interface trait extends implements new",
    .attr_ops = "->",
    .ops = "+-*/%=&|<>!~^?.",
    .punct = "()[]{},;:",
};

const struct highlight_lang *const highlight_langs[] = {
    &lang_rust, &lang_c,    &lang_cpp,  &lang_go,   &lang_python, &lang_js,      &lang_ts,
    &lang_java, &lang_json, &lang_yaml, &lang_toml, &lang_sh,     &lang_console, &lang_html,
    &lang_xml,  &lang_css,  &lang_sql,  &lang_diff, &lang_ruby,   &lang_php,     NULL};
