// python/tandem_module.cc: the `_tandem` extension: tandem::api (the public
// C++ interface) as Python objects. Decoding, scoring and training run with
// the GIL released; callbacks take it back. The Python-facing shapes (result
// objects, keyword arguments, generators) are in tandem/__init__.py.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <yaml-cpp/yaml.h>

#include "core/allocator.h"
#include "tandem/tandem.h"

namespace py = pybind11;
using namespace tandem::api;

namespace {

// A YAML document as Python values: mappings -> dict, sequences -> list,
// scalars -> bool, int, float or str (in that order of trying).
py::object to_python(const YAML::Node& node) {
  if (node.IsMap()) {
    py::dict d;
    for (const auto& kv : node) d[py::str(kv.first.as<std::string>())] = to_python(kv.second);
    return std::move(d);
  }
  if (node.IsSequence()) {
    py::list l;
    for (const auto& item : node) l.append(to_python(item));
    return std::move(l);
  }
  if (!node.IsScalar()) return py::none();
  const std::string text = node.Scalar();
  if (node.Tag() == "!") return py::str(text);  // quoted: a string
  if (text == "true" || text == "True") return py::bool_(true);
  if (text == "false" || text == "False") return py::bool_(false);
  if (text == "null" || text == "~") return py::none();
  try {
    size_t used = 0;
    const long long i = std::stoll(text, &used);
    if (used == text.size()) return py::int_(i);
    const double f = std::stod(text, &used);
    if (used == text.size()) return py::float_(f);
  } catch (const std::exception&) {
  }
  return py::str(text);
}

py::array_t<float> attention_array(const Hypothesis& h) {
  py::array_t<float> a({h.attention_rows, h.attention_cols});
  std::copy(h.attention.begin(), h.attention.end(), a.mutable_data());
  return a;
}

DecodeOptions decode_options(int beam, int nbest, float length_penalty, float max_len_a, int max_len_b,
                             int batch_tokens, const std::string& tag, bool return_attention, int batch_size = 0) {
  DecodeOptions o;
  o.beam = beam;
  o.nbest = nbest;
  o.length_penalty = length_penalty;
  o.max_len_a = max_len_a;
  o.max_len_b = max_len_b;
  o.batch_tokens = batch_tokens;
  o.tag = tag;
  o.return_attention = return_attention;
  o.batch_size = batch_size;
  return o;
}

}  // namespace

PYBIND11_MODULE(_tandem, m) {
  m.doc() = "tandem's C++ core (use the `tandem` package)";
  // As the `tandem` command does at start-up (core/allocator.h): decoding and
  // training free and reallocate the same large buffers at every step, and
  // glibc would otherwise hand them back to the kernel each time. A process
  // setting: importing tandem applies it to the whole interpreter.
  tandem::keep_freed_memory_for_reuse();
  py::register_exception<Interrupted>(m, "Interrupted", PyExc_KeyboardInterrupt);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const FileError& e) {
      PyErr_SetString(PyExc_FileNotFoundError, e.what());
    } catch (const ValueError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  py::class_<Hypothesis>(m, "Hypothesis")
      .def_readonly("text", &Hypothesis::text)
      .def_readonly("score", &Hypothesis::score)
      .def_readonly("tokens", &Hypothesis::tokens)
      .def_readonly("alignment", &Hypothesis::alignment)
      .def_readonly("source_pieces", &Hypothesis::source_pieces)
      .def_readonly("target_pieces", &Hypothesis::target_pieces)
      .def_property_readonly("attention", [](const Hypothesis& h) -> py::object {
        if (h.attention.empty()) return py::none();
        return attention_array(h);
      });

  py::class_<PairScore>(m, "PairScore")
      .def_readonly("log_prob", &PairScore::log_prob)
      .def_readonly("score", &PairScore::score)
      .def_readonly("tokens", &PairScore::tokens)
      .def_readonly("token_log_probs", &PairScore::token_log_probs);

  py::class_<Translator>(m, "Translator")
      .def(py::init([](const std::string& path, const std::string& compute_type, int threads, int workers) {
             ModelOptions o{compute_type, threads, workers};
             py::gil_scoped_release release;
             return std::make_unique<Translator>(path, o);
           }),
           py::arg("path"), py::arg("compute_type"), py::arg("threads"), py::arg("workers"))
      .def("translate_batch",
           [](const Translator& t, const std::vector<std::string>& sources, int beam, int nbest, float length_penalty,
              float max_len_a, int max_len_b, int batch_tokens, const std::string& tag, bool return_attention,
              int batch_size) {
             const auto o = decode_options(beam, nbest, length_penalty, max_len_a, max_len_b, batch_tokens, tag,
                                           return_attention, batch_size);
             py::gil_scoped_release release;
             return t.translate_batch(sources, o);
           })
      .def("translate_file",
           [](const Translator& t, const std::string& in, const std::string& out, int beam, int nbest,
              float length_penalty, float max_len_a, int max_len_b, int batch_tokens, const std::string& tag) {
             const auto o = decode_options(beam, nbest, length_penalty, max_len_a, max_len_b, batch_tokens, tag, false);
             py::gil_scoped_release release;
             t.translate_file(in, out, o);
           })
      .def("score_batch",
           [](const Translator& t, const std::vector<std::string>& sources, const std::vector<std::string>& targets,
              bool per_token, const std::string& tag, float length_penalty) {
             py::gil_scoped_release release;
             return t.score_batch(sources, targets, per_token, tag, length_penalty);
           })
      .def_static("format_score", &Translator::format_score)
      .def_property_readonly("compute_type", &Translator::compute_type)
      .def_property_readonly("language_tags", &Translator::language_tags);

  py::class_<Summarizer>(m, "Summarizer")
      .def(py::init([](const std::string& path, const std::string& compute_type, int threads, int workers) {
             ModelOptions o{compute_type, threads, workers};
             py::gil_scoped_release release;
             return std::make_unique<Summarizer>(path, o);
           }))
      .def("summarize_batch",
           [](const Summarizer& s, const std::vector<std::string>& documents, int beam, float length_penalty,
              float max_len_a, int max_len_b, int batch_tokens) {
             const auto o = decode_options(beam, 1, length_penalty, max_len_a, max_len_b, batch_tokens, "", false);
             std::vector<std::string> notes;
             std::vector<std::string> out;
             {
               py::gil_scoped_release release;
               out = s.summarize_batch(documents, o, &notes);
             }
             return py::make_tuple(out, notes);
           })
      .def("summarize_file",
           [](const Summarizer& s, const std::string& in, const std::string& out, int beam, float length_penalty,
              float max_len_a, int max_len_b, int batch_tokens) {
             const auto o = decode_options(beam, 1, length_penalty, max_len_a, max_len_b, batch_tokens, "", false);
             py::gil_scoped_release release;
             s.summarize_file(in, out, o);
           });

  py::class_<Score>(m, "Score")
      .def_readonly("name", &Score::name)
      .def_readonly("score", &Score::score)
      .def_readonly("signature", &Score::signature)
      .def_readonly("details", &Score::details)
      .def("__str__", &format_score)
      .def("__repr__", [](const Score& s) { return "<tandem.Score " + format_score(s) + ">"; });
  m.def("score", [](const std::vector<std::vector<std::string>>& refs, const std::vector<std::string>& hyps,
                    const std::vector<std::string>& metrics, bool lowercase) {
    py::gil_scoped_release release;
    return score(refs, hyps, metrics, lowercase);
  });

  m.def("load", [](const std::string& path) {
    ModelFile f;
    {
      py::gil_scoped_release release;
      f = load_model_file(path);
    }
    py::dict params;
    for (auto& t : f.parameters) {
      py::array_t<float> a(t.shape);
      std::copy(t.values.begin(), t.values.end(), a.mutable_data());
      params[py::str(t.name)] = a;
    }
    py::dict out;
    out["config"] = to_python(YAML::Load(f.config_yaml));
    out["config_yaml"] = f.config_yaml;
    out["source_vocab"] = py::bytes(f.source_vocab);
    out["target_vocab"] = py::bytes(f.target_vocab);
    out["joint_vocab"] = f.joint_vocab;
    out["compute_type"] = f.compute_type;
    out["created"] = f.created;
    out["tandem_version"] = f.tandem_version;
    out["parameters"] = params;
    return out;
  });

  m.def("train", [](const std::string& recipe, const std::vector<std::string>& overrides, const std::string& data_root,
                    bool resume, bool overwrite, int threads, py::object progress) {
    TrainOptions o;
    o.overrides = overrides;
    o.data_root = data_root;
    o.resume = resume;
    o.overwrite = overwrite;
    o.threads = threads;
    // Ctrl-C and errors inside the callback stop training cleanly (the
    // resume checkpoint is written) and are raised once train() is out.
    py::object pending;
    o.progress = [&](const TrainProgress& p) {
      py::gil_scoped_acquire acquire;
      try {
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        if (!progress.is_none()) {
          py::dict d;
          d["update"] = p.update;
          d["epoch"] = p.epoch;
          d["loss"] = p.loss;
          d["target_tokens"] = p.target_tokens;
          d["elapsed_seconds"] = p.elapsed_seconds;
          const py::object keep_going = progress(d);
          if (!keep_going.is_none() && !keep_going.cast<bool>()) return false;
        }
        return true;
      } catch (py::error_already_set& e) {
        pending = py::reinterpret_borrow<py::object>(e.value());
        return false;
      }
    };
    std::map<std::string, double> results;
    try {
      py::gil_scoped_release release;
      results = train(recipe, o);
    } catch (const Interrupted&) {
      if (pending) {
        PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(pending.ptr())), pending.ptr());
        throw py::error_already_set();
      }
      throw;
    }
    return results;
  });

  m.attr("__version__") = TANDEM_VERSION_STRING;
}
