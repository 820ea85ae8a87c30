// io/hdf5.h: the few HDF5 operations tandem files need, over the C API, with
// errors that name the file and the dataset. Paths are absolute ("/params/x").
// Intermediate groups are created on write.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tandem {

class H5File {
 public:
  static H5File create(const std::string& path);  // truncates
  static H5File open_read(const std::string& path);
  H5File(H5File&& other) noexcept;
  H5File& operator=(H5File&&) = delete;
  ~H5File();

  hid_t id() const { return id_; }
  const std::string& path() const { return path_; }
  void flush() const;

  bool exists(const std::string& name) const;  // any link along the path may be missing
  std::optional<std::vector<hsize_t>> dims(const std::string& name) const;

  void write_string(const std::string& name, const std::string& text) const;
  std::string read_string(const std::string& name) const;
  void write_bytes(const std::string& name, const std::string& bytes) const;  // uint8 [n]
  std::string read_bytes(const std::string& name) const;
  void write_floats(const std::string& name, const std::vector<hsize_t>& dims,
                    const float* data) const;
  // Reads into data (sized by the caller); fails naming the dataset if dims differ.
  void read_floats(const std::string& name, const std::vector<hsize_t>& dims, float* data) const;
  // int8 data (quantized weights), same rules as the float functions.
  void write_int8s(const std::string& name, const std::vector<hsize_t>& dims,
                   const int8_t* data) const;
  void read_int8s(const std::string& name, const std::vector<hsize_t>& dims, int8_t* data) const;
  // Whether a dataset holds 1-byte signed integers (an int8 weight).
  bool is_int8(const std::string& name) const;
  void write_int64s(const std::string& name, const std::vector<int64_t>& values) const;
  std::vector<int64_t> read_int64s(const std::string& name) const;
  void soft_link(const std::string& target, const std::string& name) const;

  void set_attr(const std::string& key, const std::string& value) const;  // on "/"
  std::string attr(const std::string& key) const;                          // "" if absent

  // All datasets below `group` (relative names, '/'-separated), soft links excluded.
  std::vector<std::string> datasets_under(const std::string& group) const;

 private:
  H5File(hid_t id, std::string path) : id_(id), path_(std::move(path)) {}
  hid_t link_props() const;
  // An n-dimensional dataset of `file_type` filled from `data` (`mem_type`).
  void write_array(const std::string& name, const std::vector<hsize_t>& dims, hid_t file_type,
                   hid_t mem_type, const void* data) const;
  // Fails naming the dataset unless it exists with exactly `want` dims.
  void check_dims(const std::string& name, const std::vector<hsize_t>& want) const;

  hid_t id_;
  std::string path_;
};

std::string format_dims(const std::vector<hsize_t>& dims);

}  // namespace tandem
