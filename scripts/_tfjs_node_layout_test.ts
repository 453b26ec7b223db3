import assert from "node:assert/strict";
import { join } from "node:path";
import {
  isPythonDataSymbol,
  LINKER_SCRIPT,
  PYTHON_STUB,
  pythonStubSource,
  undefinedPythonSymbols,
} from "./_tfjs_node_layout.ts";

const NM_SAMPLE = `                 U PyArg_ParseTuple
                 U PyBaseObject_Type
                 U PyExc_TypeError
                 w __gmon_start__
                 U _Py_NoneStruct
                 U _ZN10tensorflow10DEVICE_CPUE
                 U memcpy@GLIBC_2.14
                 U PyTuple_Type
                 U PyArg_ParseTuple
`;

Deno.test("undefinedPythonSymbols() keeps CPython's undefined names once, sorted", () => {
  assert.deepEqual(undefinedPythonSymbols(NM_SAMPLE), [
    "PyArg_ParseTuple",
    "PyBaseObject_Type",
    "PyExc_TypeError",
    "PyTuple_Type",
    "_Py_NoneStruct",
  ]);
});

Deno.test("isPythonDataSymbol() tells CPython's objects from its functions", () => {
  for (const name of ["PyTuple_Type", "PyExc_ValueError", "_Py_NoneStruct", "_Py_TrueStruct"]) {
    assert.equal(isPythonDataSymbol(name), true, name);
  }
  for (const name of ["PyType_GenericNew", "PyTuple_New", "_Py_Dealloc", "PyErr_SetString"]) {
    assert.equal(isPythonDataSymbol(name), false, name);
  }
});

Deno.test("pythonStubSource() refuses a name that is not a CPython symbol", () => {
  assert.throws(() => pythonStubSource(["PyTuple_Type", "system(0);"]), {
    name: "TypeError",
    message: 'Cannot define "system(0);" as it is not a CPython symbol',
  });
});

async function cc(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("cc", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  assert.equal(out.code, 0, `cc ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
}

async function nmUndefined(file: string): Promise<string> {
  const out = await new Deno.Command("nm", { args: ["-D", "--undefined-only", file] }).output();
  assert.equal(out.code, 0);
  return new TextDecoder().decode(out.stdout);
}

const NO_CC = await new Deno.Command("cc", { args: ["--version"], stdout: "null", stderr: "null" })
  .output().then((o) => o.success ? "" : "cc fails", () => "no cc on PATH");

Deno.test({
  name: `the stub and the ld script let a binding load a BIND_NOW Python extension outside Python${
    NO_CC ? ` (skipped: ${NO_CC})` : ""
  }`,
  ignore: NO_CC !== "",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "vlmeval-pystub-" });
    try {
      // A miniature _pywrap_tensorflow_internal.so: a C API plus Python bindings that need
      // CPython's objects and functions, linked with BIND_NOW as TensorFlow's is.
      await Deno.writeTextFile(
        join(dir, "ext.c"),
        `extern char PyTuple_Type[]; extern char _Py_NoneStruct[];
void *PyTuple_New(long); void PyErr_SetString(void *, const char *);
int TF_Answer(void) { return 42; }
void *py_binding(void) { PyErr_SetString(PyTuple_Type, "x"); return PyTuple_New(_Py_NoneStruct[0]); }
`,
      );
      await cc(
        ["-shared", "-fPIC", "-Wl,-z,now", "-Wl,-soname,_ext.so", "-o", "_ext.so", "ext.c"],
        dir,
      );
      assert.throws(
        () => Deno.dlopen(join(dir, "_ext.so"), {}),
        /undefined symbol: (PyTuple_Type|_Py_NoneStruct|PyTuple_New|PyErr_SetString)/,
      );

      const symbols = undefinedPythonSymbols(await nmUndefined(join(dir, "_ext.so")));
      assert.deepEqual(symbols, [
        "PyErr_SetString",
        "PyTuple_New",
        "PyTuple_Type",
        "_Py_NoneStruct",
      ]);
      await Deno.writeTextFile(join(dir, "stub.c"), pythonStubSource(symbols));
      await cc(
        ["-shared", "-fPIC", `-Wl,-soname,${PYTHON_STUB}`, "-o", PYTHON_STUB, "stub.c"],
        dir,
      );
      await Deno.writeTextFile(
        join(dir, "libtensorflow.so"),
        LINKER_SCRIPT.replaceAll("_pywrap_tensorflow_internal.so", "_ext.so"),
      );
      await Deno.writeTextFile(
        join(dir, "binding.c"),
        "int TF_Answer(void);\nint binding_answer(void) { return TF_Answer(); }\n",
      );
      await cc([
        "-shared",
        "-fPIC",
        "-o",
        "binding.node",
        "binding.c",
        "-Wl,--no-as-needed",
        `-L${dir}`,
        "-ltensorflow",
        "-Wl,-rpath,$ORIGIN",
      ], dir);
      const readelf = await new Deno.Command("readelf", { args: ["-d", join(dir, "binding.node")] })
        .output();
      const needed = new TextDecoder().decode(readelf.stdout);
      assert.match(needed, /NEEDED.*\[_ext\.so\]/);
      assert.match(needed, new RegExp(`NEEDED.*\\[${PYTHON_STUB.replaceAll(".", "\\.")}\\]`));

      const binding = Deno.dlopen(join(dir, "binding.node"), {
        binding_answer: { parameters: [], result: "i32" },
      });
      try {
        assert.equal(binding.symbols.binding_answer(), 42);
      } finally {
        binding.close();
      }

      // A stubbed function that is called anyway aborts and names itself.
      const called = await new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          `Deno.dlopen(${
            JSON.stringify(join(dir, PYTHON_STUB))
          }, { PyTuple_New: { parameters: [], result: "void" } }).symbols.PyTuple_New();`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(called.signal, "SIGABRT");
      assert.match(
        new TextDecoder().decode(called.stderr),
        /libtfjs_python_stub: PyTuple_New called outside Python/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
