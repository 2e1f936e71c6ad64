// Declarations only: HDF5's macros (property defaults, access flags, native types) do not
// import into Swift, so each one Swift needs is wrapped here as a `static inline` function.
#ifndef ENSEMBLE_CHDF5_SHIM_H
#define ENSEMBLE_CHDF5_SHIM_H
#include <hdf5/serial/hdf5.h>
#include <stdlib.h>

static inline hid_t chdf5_P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_S_ALL(void) { return H5S_ALL; }
static inline unsigned chdf5_F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline hid_t chdf5_T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t chdf5_T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t chdf5_T_C_S1(void) { return H5T_C_S1; }
static inline size_t chdf5_T_VARIABLE(void) { return H5T_VARIABLE; }
static inline hid_t chdf5_E_DEFAULT(void) { return H5E_DEFAULT; }
static inline hid_t chdf5_P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }

#endif
