// mbench's binding to Open MPI (Node-API, C): exactly what data-parallel training needs and nothing more.
//   init() → {rank, size, library}   MPI_Init_thread (MPI_THREAD_SINGLE: only Node's main thread calls MPI)
//   allreduceSum(Float32Array)        MPI_Allreduce in place, MPI_SUM over MPI_COMM_WORLD
//   barrier()                         MPI_Barrier
//   finalize()                        MPI_Finalize
//   abort(code)                       MPI_Abort: ends every rank of the job
// Node loads addons with RTLD_LOCAL, so libmpi's symbols would be invisible to the components Open MPI itself
// dlopen()s at MPI_Init (mca_*.so, linked against libmpi without re-exporting it); re-opening the already
// loaded library with RTLD_GLOBAL | RTLD_NOLOAD makes them global first.
#include <dlfcn.h>
#include <mpi.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CHECK_NAPI(env, call)                                              \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error((env), NULL, "mbench-mpi: Node-API call failed"); \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static int initialized = 0;

// Throws a JS Error naming the MPI call and the library's message; returns NULL for the caller to return.
static napi_value throw_mpi(napi_env env, const char* what, int code) {
  char msg[MPI_MAX_ERROR_STRING + 64];
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(code, text, &len) != MPI_SUCCESS) snprintf(text, sizeof text, "error %d", code);
  snprintf(msg, sizeof msg, "%s failed: %s", what, text);
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static napi_value require_init(napi_env env) {
  napi_throw_error(env, NULL, "mbench-mpi: init() has not been called (or finalize() already has)");
  return NULL;
}

static napi_value set_int(napi_env env, napi_value obj, const char* key, int v) {
  napi_value x;
  CHECK_NAPI(env, napi_create_int32(env, v, &x));
  CHECK_NAPI(env, napi_set_named_property(env, obj, key, x));
  return obj;
}

static napi_value init(napi_env env, napi_callback_info info) {
  (void)info;
  if (!initialized) {
    const char* names[] = {"libmpi.so.40", "libmpi.so.12", "libmpi.so"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
      if (dlopen(names[i], RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD)) break;
    int provided = 0;
    int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_SINGLE, &provided);
    if (rc != MPI_SUCCESS) return throw_mpi(env, "MPI_Init_thread", rc);
    // Errors come back as codes (then JS errors naming the call) instead of aborting inside the library.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    initialized = 1;
  }
  int rank = 0, size = 0, len = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  char library[MPI_MAX_LIBRARY_VERSION_STRING];
  MPI_Get_library_version(library, &len);
  char* nl = strchr(library, '\n');
  if (nl) *nl = '\0';
  char* comma = strchr(library, ',');  // "Open MPI v4.1.4, package: …": keep the name and version
  if (comma) *comma = '\0';
  napi_value out, lib;
  CHECK_NAPI(env, napi_create_object(env, &out));
  if (!set_int(env, out, "rank", rank) || !set_int(env, out, "size", size)) return NULL;
  CHECK_NAPI(env, napi_create_string_utf8(env, library, NAPI_AUTO_LENGTH, &lib));
  CHECK_NAPI(env, napi_set_named_property(env, out, "library", lib));
  return out;
}

static napi_value allreduce_sum(napi_env env, napi_callback_info info) {
  if (!initialized) return require_init(env);
  size_t argc = 1;
  napi_value argv[1];
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool is_typed = false;
  if (argc < 1 || napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed) {
    napi_throw_type_error(env, NULL, "allreduceSum expects a Float32Array");
    return NULL;
  }
  napi_typedarray_type type;
  size_t length = 0;
  void* data = NULL;
  CHECK_NAPI(env, napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL));
  if (type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "allreduceSum expects a Float32Array");
    return NULL;
  }
  if (length > 0x7fffffff) {
    napi_throw_range_error(env, NULL, "allreduceSum: more than 2^31 - 1 elements");
    return NULL;
  }
  int rc = MPI_Allreduce(MPI_IN_PLACE, data, (int)length, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) return throw_mpi(env, "MPI_Allreduce", rc);
  return NULL;
}

static napi_value barrier(napi_env env, napi_callback_info info) {
  (void)info;
  if (!initialized) return require_init(env);
  int rc = MPI_Barrier(MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) return throw_mpi(env, "MPI_Barrier", rc);
  return NULL;
}

static napi_value finalize(napi_env env, napi_callback_info info) {
  (void)info;
  if (initialized) {
    initialized = 0;
    int rc = MPI_Finalize();
    if (rc != MPI_SUCCESS) return throw_mpi(env, "MPI_Finalize", rc);
  }
  return NULL;
}

static napi_value mpi_abort(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int code = 1;
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) napi_get_value_int32(env, argv[0], &code);
  if (initialized) MPI_Abort(MPI_COMM_WORLD, code);
  return NULL;
}

static napi_value module_init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"init", NULL, init, NULL, NULL, NULL, napi_default, NULL},
      {"allreduceSum", NULL, allreduce_sum, NULL, NULL, NULL, napi_default, NULL},
      {"barrier", NULL, barrier, NULL, NULL, NULL, napi_default, NULL},
      {"finalize", NULL, finalize, NULL, NULL, NULL, napi_default, NULL},
      {"abort", NULL, mpi_abort, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK_NAPI(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, module_init)
