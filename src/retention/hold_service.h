// Legal holds (docs/formats/holds.md): claims in the database's reserved holds collection,
// keyed by what they cover, beside a log of every placing and lifting. The engine reads them
// before each delete (Engine::CheckNotHeld); this service places, lifts and lists them.
// Thread-safety: safe from many threads; two placers of one hold race on a unique insert.
#pragma once

#include <string>
#include <vector>

#include "engine/engine.h"
#include "xronox/retention.h"

namespace xronox {

class HoldService {
 public:
  explicit HoldService(Engine& engine) : engine_(engine) {}

  /// Place a hold on `b`'s database, collection, or record `id` (record scope only). Actor and
  /// reason required. AlreadyExists (reason hold_exists) when that hold is in force.
  Result<LegalHold> Place(const Binding& b, HoldScope scope, const std::string& id,
                          const WriteOptions& audit);
  /// Lift a hold; actor and reason required. NotFound (reason no_hold) when none is in force.
  Result<LegalHold> Lift(const Binding& b, HoldScope scope, const std::string& id,
                         const WriteOptions& audit);
  /// Every hold in force on `b`'s database (any collection), in key order.
  Result<std::vector<LegalHold>> List(const Binding& b);
  /// Every placing and lifting on `b`'s database, oldest first.
  Result<std::vector<HoldEvent>> Log(const Binding& b);

 private:
  Status AppendLog(const Binding& b, bool placed, const LegalHold& hold, const WriteOptions& audit,
                   TimestampMicros at);

  Engine& engine_;
};

}  // namespace xronox
