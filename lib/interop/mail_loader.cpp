// read_mail, served by crm-mail.so (store/module.hpp). A program that links
// the module's objects in (the unit tests) defines crm_mail_module itself.
#include "interop/mail.hpp"
#include "store/module.hpp"

extern "C" const crm::MailModule* crm_mail_module() __attribute__((weak));

namespace crm {

Batch read_mail(const std::string& path, const MailOptions& options, MailCounts& counts,
                const std::function<void(size_t, size_t)>& progress) {
  static const MailModule* module = crm_mail_module
      ? crm_mail_module()
      : reinterpret_cast<const MailModule* (*)()>(module_symbol("crm-mail", "crm_mail_module"))();
  Batch batch = module->read(path, options, counts, progress);
  // The module has its own copy of the schema table: point the records at this one's.
  for (auto& in : batch.records)
    if (in.record.type) in.record.type = find_type(in.record.type->name);
  return batch;
}

}  // namespace crm
