#include "io/hdf5.h"

#include <sstream>

#include "core/error.h"
#include "core/memory_limit.h"

namespace tandem {
namespace {

// HDF5 prints its error stack to stderr by default; tandem reports its own
// one-line errors. And HDF5's exit handler closes every file it still holds:
// after a write failed on a full disk, the failed file's close fails too, the
// handler closes it again and crashes (found by the sanitizer build). tandem
// closes its files itself (RAII), so the handler is not installed.
struct ConfigureHdf5 {
  ConfigureHdf5() {
    H5dont_atexit();  // must come before any other HDF5 call
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
};
const ConfigureHdf5 configure_hdf5;

class Handle {  // closes any hid_t with its matching close function
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

hid_t string_type(size_t size) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, size == 0 ? 1 : size);
  H5Tset_strpad(t, H5T_STR_NULLPAD);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

// Strings and attributes are single values: an array of strings read into one
// buffer would overflow it.
bool holds_one_element(hid_t space) { return H5Sget_simple_extent_npoints(space) == 1; }

}  // namespace

std::string format_dims(const std::vector<hsize_t>& dims) {
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < dims.size(); ++i) s << (i ? "," : "") << dims[i];
  s << "]";
  return s.str();
}

H5File H5File::create(const std::string& path) {
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  TANDEM_CHECK(id >= 0) << path << ": cannot create HDF5 file";
  return H5File(id, path);
}

H5File H5File::open_read(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  TANDEM_CHECK(f) << path << ": cannot open (no such file or not readable)";
  std::fclose(f);
  TANDEM_CHECK(H5Fis_hdf5(path.c_str()) > 0) << path << ": not an HDF5 file";
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  TANDEM_CHECK(id >= 0) << path << ": cannot open HDF5 file";
  return H5File(id, path);
}

H5File::H5File(H5File&& other) noexcept : id_(other.id_), path_(std::move(other.path_)) {
  other.id_ = -1;
}

H5File::~H5File() {
  if (id_ >= 0) H5Fclose(id_);
}

void H5File::flush() const {
  TANDEM_CHECK(H5Fflush(id_, H5F_SCOPE_GLOBAL) >= 0) << path_ << ": flush failed";
}

hid_t H5File::link_props() const {
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  return lcpl;
}

bool H5File::exists(const std::string& name) const {
  // H5Lexists fails (rather than returning false) when an intermediate group is missing.
  size_t pos = 0;
  while ((pos = name.find('/', pos + 1)) != std::string::npos) {
    if (H5Lexists(id_, name.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  }
  if (H5Lexists(id_, name.c_str(), H5P_DEFAULT) <= 0) return false;
  return H5Oexists_by_name(id_, name.c_str(), H5P_DEFAULT) > 0;  // dangling soft links are absent
}

std::optional<std::vector<hsize_t>> H5File::dims(const std::string& name) const {
  if (!exists(name)) return std::nullopt;
  Handle ds(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) return std::nullopt;
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> d(rank > 0 ? rank : 0);
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
  return d;
}

void H5File::write_string(const std::string& name, const std::string& text) const {
  Handle type(string_type(text.size()), H5Tclose);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle lcpl(link_props(), H5Pclose);
  Handle ds(H5Dcreate2(id_, name.c_str(), type.get(), space.get(), lcpl.get(), H5P_DEFAULT,
                       H5P_DEFAULT),
            H5Dclose);
  TANDEM_CHECK(ds.ok()) << path_ << ": cannot create dataset " << name;
  std::string padded = text.empty() ? std::string(1, '\0') : text;
  TANDEM_CHECK(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data()) >= 0)
      << path_ << ": cannot write " << name;
}

std::string H5File::read_string(const std::string& name) const {
  TANDEM_CHECK(exists(name)) << path_ << ": missing dataset " << name;
  Handle ds(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), H5Dclose);
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  TANDEM_CHECK(H5Tget_class(type.get()) == H5T_STRING) << path_ << ": " << name
                                                       << " is not a string dataset";
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  TANDEM_CHECK(holds_one_element(space.get()))
      << path_ << ": " << name << " holds " << H5Sget_simple_extent_npoints(space.get())
      << " strings, expected one";
  std::string text;
  if (H5Tis_variable_str(type.get()) > 0) {  // as h5py writes a Python str
    char* data = nullptr;
    TANDEM_CHECK(H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data) >= 0)
        << path_ << ": cannot read " << name;
    if (data) text = data;
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, &data);
    return text;
  }
  // Read with the file's own fixed-length type: no character-set conversion.
  check_fits_in_memory(static_cast<double>(H5Tget_size(type.get())), name, path_);
  text.assign(H5Tget_size(type.get()), '\0');
  TANDEM_CHECK(H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()) >= 0)
      << path_ << ": cannot read " << name;
  while (!text.empty() && text.back() == '\0') text.pop_back();
  return text;
}

void H5File::write_bytes(const std::string& name, const std::string& bytes) const {
  const hsize_t n = bytes.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle lcpl(link_props(), H5Pclose);
  Handle ds(H5Dcreate2(id_, name.c_str(), H5T_STD_U8LE, space.get(), lcpl.get(), H5P_DEFAULT,
                       H5P_DEFAULT),
            H5Dclose);
  TANDEM_CHECK(ds.ok()) << path_ << ": cannot create dataset " << name;
  if (n > 0) {
    TANDEM_CHECK(H5Dwrite(ds.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                          bytes.data()) >= 0)
        << path_ << ": cannot write " << name;
  }
}

std::string H5File::read_bytes(const std::string& name) const {
  const auto d = dims(name);
  TANDEM_CHECK(d && d->size() == 1) << path_ << ": missing or malformed byte dataset " << name;
  check_fits_in_memory(static_cast<double>((*d)[0]), name, path_);
  std::string bytes((*d)[0], '\0');
  if (bytes.empty()) return bytes;
  Handle ds(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), H5Dclose);
  TANDEM_CHECK(H5Dread(ds.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()) >=
               0)
      << path_ << ": cannot read " << name;
  return bytes;
}

void H5File::write_array(const std::string& name, const std::vector<hsize_t>& dims,
                         hid_t file_type, hid_t mem_type, const void* data) const {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Handle lcpl(link_props(), H5Pclose);
  Handle ds(H5Dcreate2(id_, name.c_str(), file_type, space.get(), lcpl.get(), H5P_DEFAULT,
                       H5P_DEFAULT),
            H5Dclose);
  TANDEM_CHECK(ds.ok()) << path_ << ": cannot create dataset " << name;
  TANDEM_CHECK(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0)
      << path_ << ": cannot write " << name;
}

void H5File::check_dims(const std::string& name, const std::vector<hsize_t>& want) const {
  const auto got = dims(name);
  TANDEM_CHECK(got) << path_ << ": missing dataset " << name;
  TANDEM_CHECK(*got == want) << path_ << ": " << name << ": shape " << format_dims(*got)
                             << ", expected " << format_dims(want);
}

void H5File::write_floats(const std::string& name, const std::vector<hsize_t>& dims,
                          const float* data) const {
  write_array(name, dims, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, data);
}

void H5File::read_floats(const std::string& name, const std::vector<hsize_t>& want,
                         float* data) const {
  check_dims(name, want);
  Handle ds(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), H5Dclose);
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  TANDEM_CHECK(H5Tget_class(type.get()) == H5T_FLOAT)
      << path_ << ": " << name << ": expected floating-point data";
  TANDEM_CHECK(H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0)
      << path_ << ": cannot read " << name;
}

void H5File::write_int8s(const std::string& name, const std::vector<hsize_t>& dims,
                         const int8_t* data) const {
  write_array(name, dims, H5T_STD_I8LE, H5T_NATIVE_INT8, data);
}

bool H5File::is_int8(const std::string& name) const {
  if (!exists(name)) return false;
  Handle ds(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) return false;
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  return H5Tget_class(type.get()) == H5T_INTEGER && H5Tget_size(type.get()) == 1 &&
         H5Tget_sign(type.get()) == H5T_SGN_2;
}

void H5File::read_int8s(const std::string& name, const std::vector<hsize_t>& want,
                        int8_t* data) const {
  check_dims(name, want);
  TANDEM_CHECK(is_int8(name)) << path_ << ": " << name << ": expected int8 data";
  Handle ds(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), H5Dclose);
  TANDEM_CHECK(H5Dread(ds.get(), H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0)
      << path_ << ": cannot read " << name;
}

void H5File::write_int64s(const std::string& name, const std::vector<int64_t>& values) const {
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle lcpl(link_props(), H5Pclose);
  Handle ds(H5Dcreate2(id_, name.c_str(), H5T_STD_I64LE, space.get(), lcpl.get(), H5P_DEFAULT,
                       H5P_DEFAULT),
            H5Dclose);
  TANDEM_CHECK(ds.ok()) << path_ << ": cannot create dataset " << name;
  if (n > 0) {
    TANDEM_CHECK(H5Dwrite(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                          values.data()) >= 0)
        << path_ << ": cannot write " << name;
  }
}

std::vector<int64_t> H5File::read_int64s(const std::string& name) const {
  const auto d = dims(name);
  TANDEM_CHECK(d) << path_ << ": missing dataset " << name;
  const uint64_t n = checked_element_count(d->data(), static_cast<int>(d->size()), path_ + ": " + name);
  check_fits_in_memory(static_cast<double>(n) * sizeof(int64_t), name, path_);
  std::vector<int64_t> values(n);
  if (n == 0) return values;
  Handle ds(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), H5Dclose);
  TANDEM_CHECK(H5Dread(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       values.data()) >= 0)
      << path_ << ": cannot read " << name;
  return values;
}

void H5File::soft_link(const std::string& target, const std::string& name) const {
  Handle lcpl(link_props(), H5Pclose);
  TANDEM_CHECK(H5Lcreate_soft(target.c_str(), id_, name.c_str(), lcpl.get(), H5P_DEFAULT) >= 0)
      << path_ << ": cannot link " << name << " -> " << target;
}

void H5File::set_attr(const std::string& key, const std::string& value) const {
  Handle type(string_type(value.size()), H5Tclose);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle a(H5Acreate2(id_, key.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose);
  TANDEM_CHECK(a.ok()) << path_ << ": cannot create attribute " << key;
  std::string padded = value.empty() ? std::string(1, '\0') : value;
  TANDEM_CHECK(H5Awrite(a.get(), type.get(), padded.data()) >= 0)
      << path_ << ": cannot write attribute " << key;
}

std::string H5File::attr(const std::string& key) const {
  if (H5Aexists(id_, key.c_str()) <= 0) return "";
  Handle a(H5Aopen(id_, key.c_str(), H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) return "";
  Handle space(H5Aget_space(a.get()), H5Sclose);
  TANDEM_CHECK(holds_one_element(space.get()))
      << path_ << ": attribute " << key << " holds " << H5Sget_simple_extent_npoints(space.get())
      << " strings, expected one";
  std::string value;
  if (H5Tis_variable_str(type.get()) > 0) {
    char* data = nullptr;
    if (H5Aread(a.get(), type.get(), &data) < 0) return "";
    if (data) value = data;
    H5free_memory(data);
    return value;
  }
  check_fits_in_memory(static_cast<double>(H5Tget_size(type.get())), "attribute " + key, path_);
  value.assign(H5Tget_size(type.get()), '\0');
  if (H5Aread(a.get(), type.get(), value.data()) < 0) return "";
  while (!value.empty() && value.back() == '\0') value.pop_back();
  return value;
}

namespace {

struct VisitState {
  std::vector<std::string>* out;
};

herr_t collect_dataset(hid_t group, const char* name, const H5L_info_t* info, void* data) {
  if (info->type != H5L_TYPE_HARD) return 0;
  H5O_info_t oinfo;
  if (H5Oget_info_by_name2(group, name, &oinfo, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return 0;
  if (oinfo.type == H5O_TYPE_DATASET) static_cast<VisitState*>(data)->out->push_back(name);
  return 0;
}

}  // namespace

std::vector<std::string> H5File::datasets_under(const std::string& group) const {
  std::vector<std::string> names;
  if (!exists(group)) return names;
  Handle g(H5Gopen2(id_, group.c_str(), H5P_DEFAULT), H5Gclose);
  VisitState state{&names};
  H5Lvisit(g.get(), H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &state);
  return names;
}

}  // namespace tandem
