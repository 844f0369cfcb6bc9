// A JSON Schema subset, enough to check request bodies against an OpenAPI 3.0 document such as
// slurmrestd's: $ref (local, "#/components/schemas/..."), type, format (int32, int64), enum,
// required, properties and items. Strict: a key the schema does not declare is a finding (Slurm
// 23.11+ ignores unknown keys with a mere warning, so a misspelt field would silently drop a
// request, as gpus_per_node drops GPUs), and so is a key the schema marks deprecated.
// Test support only: not a general validator (no allOf/oneOf/anyOf, patterns or bounds).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace suanwang::testing {

class JsonSchemaCheck {
 public:
  // `document` is the whole OpenAPI document that local $refs point into.
  explicit JsonSchemaCheck(const nlohmann::json& document) : doc_(document) {}

  // The findings for `instance` against `schema` ("" = none), one line each with its JSON path.
  std::vector<std::string> check(const nlohmann::json& schema,
                                 const nlohmann::json& instance) const {
    std::vector<std::string> out;
    walk(schema, instance, "$", out, 0);
    return out;
  }

  // The schema `path` leads to from `schema`: each step a property name, or "[]" for the items
  // of an array; $refs followed. nullptr when the schema has no such place.
  const nlohmann::json* at(const nlohmann::json& schema,
                           std::initializer_list<std::string> path) const {
    std::vector<std::string> ignored;
    const nlohmann::json* s = resolve(schema, ignored, "$");
    for (const auto& step : path) {
      if (s == nullptr || !s->is_object()) return nullptr;
      const auto* next = step == "[]" ? find(*s, {"items"}) : find(*s, {"properties", step});
      if (next == nullptr) return nullptr;
      s = resolve(*next, ignored, "$");
    }
    return s;
  }

  // The JSON answer schema of a 200 to `method` `path`, or null.
  const nlohmann::json& response_schema(const std::string& path, const std::string& method) const {
    static const nlohmann::json kNull;
    const auto* r = find(
        doc_, {"paths", path, method, "responses", "200", "content", "application/json", "schema"});
    return r ? *r : kNull;
  }

  // The request body schema of `method` `path` for application/json, or null.
  const nlohmann::json& request_schema(const std::string& path, const std::string& method) const {
    static const nlohmann::json kNull;
    const auto* op =
        find(doc_, {"paths", path, method, "requestBody", "content", "application/json", "schema"});
    return op ? *op : kNull;
  }

 private:
  static const nlohmann::json* find(const nlohmann::json& from,
                                    std::initializer_list<std::string> keys) {
    const nlohmann::json* at = &from;
    for (const auto& k : keys) {
      if (!at->is_object()) return nullptr;
      auto it = at->find(k);
      if (it == at->end()) return nullptr;
      at = &*it;
    }
    return at;
  }

  const nlohmann::json* resolve(const nlohmann::json& schema, std::vector<std::string>& out,
                                const std::string& where) const {
    const nlohmann::json* s = &schema;
    for (int hops = 0; s->is_object() && s->contains("$ref"); ++hops) {
      const std::string ref = s->at("$ref").get<std::string>();
      constexpr std::string_view kLocal = "#/components/schemas/";
      if (hops > 32 || !ref.starts_with(kLocal)) {
        out.push_back(where + ": cannot follow $ref " + ref);
        return nullptr;
      }
      s = find(doc_, {"components", "schemas", ref.substr(kLocal.size())});
      if (s == nullptr) {
        out.push_back(where + ": dangling $ref " + ref);
        return nullptr;
      }
    }
    return s;
  }

  static bool type_matches(const std::string& type, const nlohmann::json& v) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "integer") return v.is_number_integer();
    if (type == "number") return v.is_number();
    if (type == "boolean") return v.is_boolean();
    return false;
  }

  void walk(const nlohmann::json& schema_in, const nlohmann::json& v, const std::string& where,
            std::vector<std::string>& out, int depth) const {
    if (depth > 64) {
      out.push_back(where + ": nests too deep");
      return;
    }
    const nlohmann::json* s = resolve(schema_in, out, where);
    if (s == nullptr || !s->is_object()) return;
    if (auto t = s->find("type"); t != s->end() && t->is_string()) {
      const std::string type = t->get<std::string>();
      if (!type_matches(type, v)) {
        out.push_back(where + ": expected " + type + ", got " + v.type_name());
        return;
      }
    }
    if (auto f = s->find("format"); f != s->end() && f->is_string() && v.is_number_integer()) {
      if (*f == "int32") {
        const auto n = v.get<int64_t>();
        if (n < std::numeric_limits<int32_t>::min() || n > std::numeric_limits<int32_t>::max()) {
          out.push_back(where + ": " + std::to_string(n) + " is not an int32");
        }
      }
    }
    if (auto e = s->find("enum"); e != s->end() && e->is_array()) {
      if (std::find(e->begin(), e->end(), v) == e->end()) {
        out.push_back(where + ": " + v.dump() + " is not one of " + e->dump());
      }
    }
    if (v.is_object()) {
      if (auto req = s->find("required"); req != s->end() && req->is_array()) {
        for (const auto& k : *req) {
          if (k.is_string() && !v.contains(k.get<std::string>())) {
            out.push_back(where + ": missing required " + k.get<std::string>());
          }
        }
      }
      const auto props = s->find("properties");
      for (const auto& [key, value] : v.items()) {
        const std::string at = where + "." + key;
        if (props == s->end() || !props->is_object() || !props->contains(key)) {
          out.push_back(at + ": not in the schema (slurmrestd would ignore it)");
          continue;
        }
        const auto& sub = props->at(key);
        if (const auto* r = resolve(sub, out, at); r && r->is_object()) {
          if (auto d = r->find("deprecated"); d != r->end() && d->is_boolean() && d->get<bool>()) {
            out.push_back(at + ": deprecated");
          }
        }
        walk(sub, value, at, out, depth + 1);
      }
    }
    if (v.is_array()) {
      if (auto items = s->find("items"); items != s->end()) {
        for (size_t i = 0; i < v.size(); ++i) {
          walk(*items, v[i], where + "[" + std::to_string(i) + "]", out, depth + 1);
        }
      }
    }
  }

  const nlohmann::json& doc_;
};

}  // namespace suanwang::testing
