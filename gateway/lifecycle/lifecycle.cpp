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

Outcome unchanged(const Facts& job) {
  Outcome o;
  o.next = job.state;
  o.attempt = job.attempt;
  o.unreachable_submits = job.unreachable_submits;
  return o;
}

Outcome to(const Facts& job, S next, E event, std::string reason) {
  Outcome o = unchanged(job);
  o.next = next;
  o.event = event;
  o.reason = std::move(reason);
  o.unreachable_submits = 0;
  return o;
}

// The job leaves its site for a reason that is the site's (refused, silent, lost, offline):
// back to pending with the site blocked, and placed again at once. Only a job that asked not
// to run again, or a loss after the job's cancellation, ends here instead.
Outcome fail_over(const Facts& job, std::string reason) {
  if (job.cancel_requested) {
    Outcome o = to(job, S::canceled, E::canceled, reason + "; it had been canceled");
    o.effects.release = true;
    return o;
  }
  if (!job.rerun && job.state == S::running) {
    Outcome o = to(job, S::failed, E::failed, reason + "; the job asked not to be run again");
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

std::string site_phrase(const Facts& job) {
  return "site " + job.site_id;
}

// "3 files, 12.5 MB in 0.41 s"
std::string transfer_phrase(int files, int64_t bytes, double seconds) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%d file%s, %.1f MB in %.2f s", files, files == 1 ? "" : "s",
                static_cast<double>(bytes) / 1e6, seconds);
  return buf;
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

Outcome step(const Facts& job, const Input& input, const Limits& limits) {
  if (model::is_terminal(job.state)) return unchanged(job);
  return std::visit(
      Overload{
          [&](const Placed& p) -> Outcome {
            if (job.state != S::pending) return unchanged(job);
            if (job.cancel_requested) {
              Outcome o = to(job, S::canceled, E::canceled, "canceled before it reached a site");
              o.effects.release = true;  // the placement's hold and count
              return o;
            }
            if (job.attempt >= limits.max_attempts) {
              Outcome o =
                  to(job, S::failed, E::failed,
                     "gave up after " + std::to_string(job.attempt) + " placement attempts");
              o.failure = FailureKind::system_error;
              o.effects.release = true;
              return o;
            }
            // With files to stage, the job goes to its site's staging area first.
            Outcome o = to(job, job.stages ? S::staging : S::placed, E::placed, p.summary);
            o.attempt = job.attempt + 1;
            (job.stages ? o.effects.stage : o.effects.submit) = true;
            return o;
          },
          [&](const NoSite& n) -> Outcome {
            if (job.state != S::pending) return unchanged(job);
            if (job.cancel_requested) {
              return to(job, S::canceled, E::canceled, "canceled before it reached a site");
            }
            if (!n.may_clear || job.attempt >= limits.max_attempts) {
              Outcome o = to(job, S::failed, E::failed,
                             "no site can run the job after " + std::to_string(job.attempt) +
                                 " attempt(s): " + n.summary);
              o.failure = FailureKind::system_error;
              return o;
            }
            Outcome o = unchanged(job);
            o.reason = "waiting for a site: " + n.summary;
            o.effects.wait = true;
            return o;
          },
          [&](const SubmitAccepted& a) -> Outcome {
            if (job.state != S::placed && job.state != S::staging) return unchanged(job);
            Outcome o = to(job, S::submitted, E::submitted,
                           a.already_existed ? "found at the site as " + a.remote_id +
                                                   " (submitted before a restart)"
                                             : "accepted by the site as " + a.remote_id);
            o.effects.hold_accepted = true;
            return o;
          },
          [&](const SubmitRefused& r) -> Outcome {
            if (job.state != S::placed && job.state != S::staging) return unchanged(job);
            return fail_over(job, site_phrase(job) + " refused the job: " + r.message);
          },
          [&](const SubmitUnreachable& u) -> Outcome {
            if (job.state != S::placed && job.state != S::staging) return unchanged(job);
            if (job.unreachable_submits + 1 < limits.unreachable_submits_before_failover) {
              Outcome o = unchanged(job);
              o.unreachable_submits = job.unreachable_submits + 1;
              o.reason = site_phrase(job) + " did not answer: " + u.message;
              o.effects.retry_submit = true;
              return o;
            }
            return fail_over(job, site_phrase(job) + " did not answer: " + u.message);
          },
          [&](const Reported& r) -> Outcome {
            if (job.state != S::submitted && job.state != S::running) return unchanged(job);
            switch (r.state) {
              case Remote::queued:
                return unchanged(job);
              case Remote::running:
                if (job.state == S::running) return unchanged(job);
                return to(job, S::running, E::started, "running at " + job.site_id);
              case Remote::succeeded: {
                if (job.collects) {
                  // Done at the site; not done for the user until its outputs are back.
                  Outcome o = to(job, S::collecting, E::collecting,
                                 "exit code 0; collecting its outputs from " + job.site_id);
                  o.effects.release = true;
                  o.effects.learn_runtime = true;
                  o.effects.collect = true;
                  return o;
                }
                Outcome o = to(job, S::succeeded, E::succeeded, "exit code 0");
                o.charge = true;
                o.effects.release = true;
                o.effects.learn_runtime = true;
                return o;
              }
              case Remote::failed: {
                Outcome o = to(job, S::failed, E::failed,
                               r.reason.empty() ? "the job failed at the site" : r.reason);
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
                  Outcome o = to(job, S::canceled, E::canceled, "canceled at the owner's request");
                  o.charge = true;  // what ran until then was the owner's
                  o.effects.release = true;
                  return o;
                }
                // Canceled by the site, not by the owner: the site's doing, like a loss.
                return fail_over(job, "canceled by " + site_phrase(job) + ": " + r.reason);
              }
              case Remote::lost: {
                const char* when = job.state == S::running ? "after it started" : "before it ran";
                return fail_over(job, site_phrase(job) + " lost the job " + when + ": " + r.reason);
              }
            }
            return unchanged(job);
          },
          [&](const CancelRequested&) -> Outcome {
            switch (job.state) {
              case S::pending:
                return to(job, S::canceled, E::canceled,
                          "canceled by the owner before it reached a site");
              case S::placed:
              case S::staging: {
                Outcome o = to(job, S::canceled, E::canceled,
                               "canceled by the owner before it reached a site");
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
            return fail_over(job, site_phrase(job) + " is offline (" + off.message +
                                      "); the job had not started there");
          },
          [&](const Staged& st) -> Outcome {
            if (job.state != S::staging) return unchanged(job);
            Outcome o = to(job, S::staging, E::staged,
                           std::string(st.modelled ? "inputs modelled at " : "inputs staged at ") +
                               job.site_id + ": " + transfer_phrase(st.files, st.bytes, st.seconds));
            o.effects.submit = true;
            return o;
          },
          [&](const StagingFailed& f) -> Outcome {
            if (job.state != S::staging) return unchanged(job);
            if (job.unreachable_submits + 1 < limits.unreachable_submits_before_failover) {
              Outcome o = unchanged(job);
              o.unreachable_submits = job.unreachable_submits + 1;
              o.reason = "staging the inputs at " + site_phrase(job) + " failed: " + f.message;
              o.effects.retry_stage = true;
              return o;
            }
            return fail_over(job, "the inputs could not be staged at " + site_phrase(job) + ": " +
                                      f.message);
          },
          [&](const Collected& c) -> Outcome {
            if (job.state != S::collecting) return unchanged(job);
            Outcome o = to(job, S::succeeded, E::succeeded,
                           "exit code 0; outputs collected into " + c.dataset_id + ": " +
                               transfer_phrase(c.files, c.bytes, c.seconds));
            o.charge = true;
            return o;
          },
          [&](const CollectFailed& f) -> Outcome {
            if (job.state != S::collecting) return unchanged(job);
            // The job ran, but its results did not come back: the network's failure, not the
            // user's, so not charged (DESIGN §2).
            Outcome o = to(job, S::failed, E::failed,
                           "the job exited 0 but its outputs could not be collected: " +
                               f.message);
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
  if (out.event) next.reason = out.reason;
  // Back to pending: no remote copy any more. The site it left stays in site_id until the
  // event is written (the event names it), and in blocked_sites after.
  if (out.next == S::pending) next.remote_id.clear();
}

}  // namespace suanwang::lifecycle
