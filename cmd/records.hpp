// Pieces the record commands share with `crm show` and `crm edit`.
#pragma once
#include "cmd/context.hpp"
#include "index/index.hpp"
#include "write/transaction.hpp"

namespace crm {

// {"id", "type", fields...}: the record as programs see it.
Json record_json(const TypeSpec& type, const std::string& id, const Json& data);
// The full record for REF, read from its file; Error(Invalid) if the file is broken.
RecordFile load_entry(const Repository& repo, const Entry& e);
// The same, and Error(Invalid) naming path:line:col when the record does not validate.
RecordFile load_valid_entry(const Repository& repo, const Entry& e);
void show_entry(Context& ctx, const Index& index, const Entry& e);
void check_show_format(const Context& ctx);  // Usage error for formats show cannot print
// $EDITOR on the record until it is valid or the user gives up. Returns false when unchanged.
// The editor runs without the lock; the commit checks that nobody changed the file meanwhile.
bool edit_entry(Context& ctx, const Entry& e);
// $VISUAL or $EDITOR (a shell command, like git) on `path`; its exit status.
// Error(Usage) when neither is set and this is not a terminal.
int run_editor(const std::string& path);
// Print what a mutating command changed: ids, or records with --json.
void print_changed(Context& ctx, const std::vector<Record>& records);
// "Ana", "Ana and Luis", "Ana, Luis and Marta".
std::string joined_names(const std::vector<std::string>& names);
// Verbs beyond add, list, show, edit, set and rm, added to the group of each type whose row
// names them (TypeSpec::verbs): `done` (cmd/task.cpp), `merge` (cmd/merge.cpp), `move` (cmd/deal.cpp).
void register_task_done(CLI::App* group, Context& ctx, const TypeSpec& type);
void register_record_merge(CLI::App* group, Context& ctx, const TypeSpec& type);
void register_deal_move(CLI::App* group, Context& ctx, const TypeSpec& type);

}  // namespace crm
