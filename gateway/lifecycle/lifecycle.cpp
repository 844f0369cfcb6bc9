// The job lifecycle's one transition function (see lifecycle.hpp).
#include "gateway/lifecycle/lifecycle.hpp"

#include <algorithm>
#include <cstdio>

namespace suanwang::lifecycle {

using S = model::JobState;
using E = model::EventType;
using model::FailureKind;

namespace {

template <class... Fs>
struct Overload : Fs... {
  using Fs::operator()...;
};

using Parts = std::vector<i18n::Message>;

Outcome unchanged(const Facts& job) {
  Outcome o;
  o.next = job.state;
  o.attempt = job.attempt;
  o.unreachable_submits = job.unreachable_submits;
  return o;
}

// Sets the reason from its coded parts: the English text is their rendering, so the two agree.
void say(Outcome& o, Parts parts) {
  o.reason = i18n::render(parts, i18n::Lang::en);
  o.reason_parts = std::move(parts);
}

Outcome to(const Facts& job, S next, E event, Parts reason) {
  Outcome o = unchanged(job);
  o.next = next;
  o.event = event;
  say(o, std::move(reason));
  o.unreachable_submits = 0;
  return o;
}

// One coded part.
i18n::Message part(std::string code, i18n::Params params = {}) {
  return {std::move(code), std::move(params)};
}

// Free text from outside, carried as it came.
i18n::Message text(std::string t) {
  return {"reason.text", {{"text", std::move(t)}}};
}

// A part naming the job's site.
i18n::Message at_site(std::string code, const Facts& job) {
  return {std::move(code), site_params(job)};
}

Parts join(Parts head, const Parts& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

// A placement's summary as parts: its coded parts, or its English as free text (a caller
// without them, such as a test).
Parts summary_of(const std::string& summary, const Parts& parts) {
  if (!parts.empty()) return parts;
  return {text(summary)};
}

// An input's message as parts: its coded detail when it has one, else its text as it came.
Parts message_of(const std::string& message, const Parts& detail) {
  if (!detail.empty()) return detail;
  return {text(message)};
}

// The job leaves its site for a reason that is the site's (refused, silent, lost, offline):
// back to pending with the site blocked, and placed again at once. Only a job that asked not
// to run again, or a loss after the job's cancellation, ends here instead.
Outcome fail_over(const Facts& job, Parts reason) {
  if (job.cancel_requested) {
    reason.push_back(part("reason.then_canceled"));
    Outcome o = to(job, S::canceled, E::canceled, std::move(reason));
    o.effects.release = true;
    return o;
  }
  if (!job.rerun && job.state == S::running) {
    reason.push_back(part("reason.no_rerun"));
    Outcome o = to(job, S::failed, E::failed, std::move(reason));
    o.failure = FailureKind::system_error;
    o.effects.release = true;
    return o;
  }
  Outcome o = to(job, S::pending, E::requeued, std::move(reason));
  o.block_site = true;
  o.effects.release = true;
  o.effects.place = true;
  return o;
}

std::string fixed(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// "3 files, 12.5 MB in 0.41 s"
i18n::Message transfer(int files, int64_t bytes, double seconds) {
  return {files == 1 ? "reason.transfer_one" : "reason.transfer",
          {{"files", std::to_string(files)},
           {"mb", fixed("%.1f", static_cast<double>(bytes) / 1e6)},
           {"seconds", fixed("%.2f", seconds)}}};
}

}  // namespace

Facts facts_of(const model::JobRecord& job, int unreachable_submits) {
  Facts f;
  f.state = job.state;
  f.site_id = job.site_id;
  f.attempt = job.attempt;
  f.cancel_requested = job.cancel_requested;
  f.rerun = job.spec.rerun;
  f.unreachable_submits = unreachable_submits;
  for (const auto& in : job.spec.inputs) f.stages = f.stages || in.staged;
  f.collects = job.spec.outputs && !job.spec.outputs->paths.empty();
  return f;
}

i18n::Params site_params(const Facts& job) {
  return {{"site", job.site_id}, {"site_zh", job.site_zh.empty() ? job.site_id : job.site_zh}};
}

Outcome step(const Facts& job, const Input& input, const Limits& limits) {
  if (model::is_terminal(job.state)) return unchanged(job);
  return std::visit(
      Overload{
          [&](const Placed& p) -> Outcome {
            if (job.state != S::pending) return unchanged(job);
            if (job.cancel_requested) {
              Outcome o = to(job, S::canceled, E::canceled, {part("reason.canceled_before_site")});
              o.effects.release = true;  // the placement's hold and count
              return o;
            }
            if (job.attempt >= limits.max_attempts) {
              Outcome o = to(job, S::failed, E::failed,
                             {part("reason.gave_up", {{"n", std::to_string(job.attempt)}})});
              o.failure = FailureKind::system_error;
              o.effects.release = true;
              return o;
            }
            // With files to stage, the job goes to its site's staging area first.
            Outcome o = to(job, job.stages ? S::staging : S::placed, E::placed,
                           summary_of(p.summary, p.summary_parts));
            o.attempt = job.attempt + 1;
            (job.stages ? o.effects.stage : o.effects.submit) = true;
            return o;
          },
          [&](const NoSite& n) -> Outcome {
            if (job.state != S::pending) return unchanged(job);
            if (job.cancel_requested) {
              return to(job, S::canceled, E::canceled, {part("reason.canceled_before_site")});
            }
            if (!n.may_clear || job.attempt >= limits.max_attempts) {
              Outcome o =
                  to(job, S::failed, E::failed,
                     join({part("reason.no_site_after", {{"n", std::to_string(job.attempt)}})},
                          summary_of(n.summary, n.summary_parts)));
              o.failure = FailureKind::system_error;
              return o;
            }
            Outcome o = unchanged(job);
            say(o, join({part("reason.waiting")}, summary_of(n.summary, n.summary_parts)));
            o.effects.wait = true;
            return o;
          },
          [&](const SubmitAccepted& a) -> Outcome {
            if (job.state != S::placed && job.state != S::staging) return unchanged(job);
            Outcome o = to(job, S::submitted, E::submitted,
                           {part(a.already_existed ? "reason.found_at_site" : "reason.accepted",
                                 {{"remote_id", a.remote_id}})});
            o.effects.hold_accepted = true;
            return o;
          },
          [&](const SubmitRefused& r) -> Outcome {
            if (job.state != S::placed && job.state != S::staging) return unchanged(job);
            return fail_over(job, {at_site("reason.refused", job), text(r.message)});
          },
          [&](const SubmitUnreachable& u) -> Outcome {
            if (job.state != S::placed && job.state != S::staging) return unchanged(job);
            if (job.unreachable_submits + 1 < limits.unreachable_submits_before_failover) {
              Outcome o = unchanged(job);
              o.unreachable_submits = job.unreachable_submits + 1;
              say(o, {at_site("reason.no_answer", job), text(u.message)});
              o.effects.retry_submit = true;
              return o;
            }
            return fail_over(job, {at_site("reason.no_answer", job), text(u.message)});
          },
          [&](const Reported& r) -> Outcome {
            if (job.state != S::submitted && job.state != S::running) return unchanged(job);
            switch (r.state) {
              case Remote::queued:
                return unchanged(job);
              case Remote::running:
                if (job.state == S::running) return unchanged(job);
                return to(job, S::running, E::started, {at_site("reason.running", job)});
              case Remote::succeeded: {
                if (job.collects) {
                  // Done at the site; not done for the user until its outputs are back.
                  Outcome o = to(job, S::collecting, E::collecting,
                                 {at_site("reason.collecting", job)});
                  o.effects.release = true;
                  o.effects.learn_runtime = true;
                  o.effects.collect = true;
                  return o;
                }
                Outcome o = to(job, S::succeeded, E::succeeded, {part("reason.exit_0")});
                o.charge = true;
                o.effects.release = true;
                o.effects.learn_runtime = true;
                return o;
              }
              case Remote::failed: {
                Outcome o = to(job, S::failed, E::failed,
                               {r.reason.empty()
                                    ? part("reason.failed_at_site")
                                    : part("reason.site_said", {{"text", r.reason}})});
                o.effects.release = true;
                if (r.exit_code) {
                  // The job's own exit code: its own failure, and its time is billed.
                  o.failure = FailureKind::executor_error;
                  o.charge = true;
                } else {
                  o.failure = FailureKind::system_error;
                }
                return o;
              }
              case Remote::canceled: {
                if (job.cancel_requested) {
                  Outcome o =
                      to(job, S::canceled, E::canceled, {part("reason.canceled_by_owner")});
                  o.charge = true;  // what ran until then was the owner's
                  o.effects.release = true;
                  return o;
                }
                // Canceled by the site, not by the owner: the site's doing, like a loss.
                return fail_over(job, {at_site("reason.canceled_by_site", job), text(r.reason)});
              }
              case Remote::lost: {
                const char* code =
                    job.state == S::running ? "reason.lost_after_start" : "reason.lost_before_run";
                return fail_over(job, {at_site(code, job), text(r.reason)});
              }
            }
            return unchanged(job);
          },
          [&](const CancelRequested&) -> Outcome {
            switch (job.state) {
              case S::pending:
                return to(job, S::canceled, E::canceled, {part("reason.owner_canceled_early")});
              case S::placed:
              case S::staging: {
                Outcome o =
                    to(job, S::canceled, E::canceled, {part("reason.owner_canceled_early")});
                o.effects.release = true;
                return o;
              }
              case S::collecting:
                return unchanged(job);  // it has ended; its outputs still come back
              default: {
                Outcome o = unchanged(job);
                o.effects.cancel_at_site = true;
                return o;
              }
            }
          },
          [&](const SiteOffline& off) -> Outcome {
            // Jobs placed or queued there go elsewhere (DESIGN §6); running ones wait for the
            // site, since they may still finish there.
            if (job.state != S::placed && job.state != S::staging && job.state != S::submitted) {
              return unchanged(job);
            }
            if (job.cancel_requested && job.state == S::submitted) return unchanged(job);
            return fail_over(job, {at_site("reason.offline", job), text(off.message),
                                   part("reason.offline_end")});
          },
          [&](const Staged& st) -> Outcome {
            if (job.state != S::staging) return unchanged(job);
            Outcome o = to(job, S::staging, E::staged,
                           {at_site(st.modelled ? "reason.modelled" : "reason.staged", job),
                            transfer(st.files, st.bytes, st.seconds)});
            o.effects.submit = true;
            return o;
          },
          [&](const StagingFailed& f) -> Outcome {
            if (job.state != S::staging) return unchanged(job);
            if (job.unreachable_submits + 1 < limits.unreachable_submits_before_failover) {
              Outcome o = unchanged(job);
              o.unreachable_submits = job.unreachable_submits + 1;
              say(o, join({at_site("reason.staging_retry", job)}, message_of(f.message, f.detail)));
              o.effects.retry_stage = true;
              return o;
            }
            return fail_over(
                job, join({at_site("reason.staging_failed", job)}, message_of(f.message, f.detail)));
          },
          [&](const Collected& c) -> Outcome {
            if (job.state != S::collecting) return unchanged(job);
            Outcome o = to(job, S::succeeded, E::succeeded,
                           {part("reason.collected", {{"dataset", c.dataset_id}}),
                            transfer(c.files, c.bytes, c.seconds)});
            o.charge = true;
            return o;
          },
          [&](const CollectFailed& f) -> Outcome {
            if (job.state != S::collecting) return unchanged(job);
            // The job ran, but its results did not come back: the network's failure, not the
            // user's, so not charged (DESIGN §2).
            Outcome o = to(job, S::failed, E::failed,
                           join({part("reason.collect_failed")}, message_of(f.message, f.detail)));
            o.failure = FailureKind::system_error;
            return o;
          },
      },
      input);
}

void apply(const Outcome& out, model::JobRecord& next) {
  if (out.block_site && !next.site_id.empty() &&
      std::find(next.blocked_sites.begin(), next.blocked_sites.end(), next.site_id) ==
          next.blocked_sites.end()) {
    next.blocked_sites.push_back(next.site_id);
  }
  next.state = out.next;
  next.attempt = out.attempt;
  if (out.failure != model::FailureKind::none) next.failure = out.failure;
  if (out.event) {
    next.reason = out.reason;
    next.reason_parts = out.reason_parts;
  }
  // Back to pending: no remote copy any more. The site it left stays in site_id until the
  // event is written (the event names it), and in blocked_sites after.
  if (out.next == S::pending) next.remote_id.clear();
}

}  // namespace suanwang::lifecycle
