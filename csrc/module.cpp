// Makes bevzoo._C an importable Python extension; importing it runs the static
// TORCH_LIBRARY registrations of every other translation unit in csrc/.
#include <Python.h>

extern "C" PyObject* PyInit__C(void) {
  static PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_C", "bevzoo compiled ops (torch.ops.bevzoo)", -1,
                                   nullptr};
  return PyModule_Create(&module_def);
}
