// Small helpers for reading Node-API call arguments: typed arrays are used in place (no copy).
#pragma once
#include <node_api.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mbn {

struct ArgError {
  std::string message;
};

class Args {
 public:
  Args(napi_env env, napi_callback_info info) : env_(env) {
    size_t argc = kMaxArgs;
    napi_get_cb_info(env, info, &argc, argv_, nullptr, nullptr);
    argc_ = argc < kMaxArgs ? argc : kMaxArgs;  // napi reports the caller's count, which may exceed the buffer
  }
  size_t size() const { return argc_; }
  napi_value at(size_t i) const {
    if (i >= argc_) throw ArgError{"missing argument " + std::to_string(i)};
    return argv_[i];
  }
  template <typename T>
  T* typed(size_t i, napi_typedarray_type want, size_t* length, const char* what) const {
    bool is = false;
    napi_is_typedarray(env_, at(i), &is);
    if (!is) throw ArgError{std::string("argument ") + std::to_string(i) + " must be a " + what};
    napi_typedarray_type type;
    size_t len;
    void* data;
    napi_get_typedarray_info(env_, at(i), &type, &len, &data, nullptr, nullptr);
    if (type != want) throw ArgError{std::string("argument ") + std::to_string(i) + " must be a " + what};
    if (length) *length = len;
    return static_cast<T*>(data);
  }
  float* f32(size_t i, size_t* n = nullptr) const { return typed<float>(i, napi_float32_array, n, "Float32Array"); }
  int32_t* i32(size_t i, size_t* n = nullptr) const { return typed<int32_t>(i, napi_int32_array, n, "Int32Array"); }
  double* f64(size_t i, size_t* n = nullptr) const { return typed<double>(i, napi_float64_array, n, "Float64Array"); }
  // A typed array of `want` elements at least, or nullptr when the argument is absent, null or undefined.
  template <typename T>
  T* opt_typed(size_t i, napi_typedarray_type type, const char* type_name, long want, const char* what) const {
    if (i >= argc_) return nullptr;
    napi_valuetype t;
    napi_typeof(env_, argv_[i], &t);
    if (t == napi_undefined || t == napi_null) return nullptr;
    size_t n;
    T* p = typed<T>(i, type, &n, type_name);
    if (want < 0 || static_cast<size_t>(want) > n)
      throw ArgError{std::string(what) + " is too short: " + std::to_string(n) + " < " + std::to_string(want)};
    return p;
  }
  float* opt_f32(size_t i, long want, const char* what) const {
    return opt_typed<float>(i, napi_float32_array, "Float32Array", want, what);
  }
  int32_t* opt_i32(size_t i, long want, const char* what) const {
    return opt_typed<int32_t>(i, napi_int32_array, "Int32Array", want, what);
  }
  double num(size_t i) const {
    double v;
    if (napi_get_value_double(env_, at(i), &v) != napi_ok)
      throw ArgError{"argument " + std::to_string(i) + " must be a number"};
    return v;
  }
  long integer(size_t i) const { return static_cast<long>(num(i)); }
  // An optional trailing boolean: false when absent or undefined.
  bool opt_boolean(size_t i) const {
    if (i >= argc_) return false;
    napi_valuetype t;
    napi_typeof(env_, argv_[i], &t);
    if (t == napi_undefined || t == napi_null) return false;
    return boolean(i);
  }
  bool boolean(size_t i) const {
    bool v;
    if (napi_get_value_bool(env_, at(i), &v) != napi_ok)
      throw ArgError{"argument " + std::to_string(i) + " must be a boolean"};
    return v;
  }
  std::string str(size_t i) const {
    char buf[256];
    size_t len;
    if (napi_get_value_string_utf8(env_, at(i), buf, sizeof buf, &len) != napi_ok)
      throw ArgError{"argument " + std::to_string(i) + " must be a string"};
    return std::string(buf, len);
  }
  std::vector<long> longs(size_t i) const {
    bool is = false;
    napi_is_array(env_, at(i), &is);
    if (!is) throw ArgError{"argument " + std::to_string(i) + " must be an array of numbers"};
    uint32_t n;
    napi_get_array_length(env_, at(i), &n);
    std::vector<long> out(n);
    for (uint32_t k = 0; k < n; ++k) {
      napi_value e;
      napi_get_element(env_, at(i), k, &e);
      double v;
      if (napi_get_value_double(env_, e, &v) != napi_ok)
        throw ArgError{"argument " + std::to_string(i) + " must be an array of numbers"};
      out[k] = static_cast<long>(v);
    }
    return out;
  }

 private:
  napi_env env_;
  static const size_t kMaxArgs = 20;
  napi_value argv_[kMaxArgs];
  size_t argc_ = 0;
};

}  // namespace mbn
