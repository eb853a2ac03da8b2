// The function app's entry point: installs the Azure composition and loads every function.
// Each import registers its function with the Functions host (and the project's registry).
import "../shared/composition.js";
import "./health.js";
import "./me.js";
import "./openapi.js";
import "./docs.js";
import "./docs-assets.js";
import "./forms-create.js";
import "./forms-list.js";
import "./forms-get.js";
import "./forms-update.js";
import "./interactions-create.js";
import "./interactions-list.js";
import "./interactions-get.js";
// Literal routes before parameterised ones: sessions/archive must not read as sessions/{id}.
import "./sessions-archive.js";
import "./sessions-create.js";
import "./sessions-list.js";
import "./sessions-get.js";
import "./sessions-assign.js";
import "./sessions-answers.js";
import "./sessions-complete.js";
import "./sessions-replace-interaction.js";
import "./sessions-default-scores.js";
import "./sessions-notify-agent.js";
import "./sessions-exports.js";
import "./sessions-media.js";
import "./sessions-history.js";
import "./sessions-versions.js";
import "./sessions-version.js";
import "./sessions-disputes.js";
import "./disputes-list.js";
import "./disputes-get.js";
import "./disputes-resolve.js";
import "./disputes-withdraw.js";
import "./action-items-list.js";
import "./action-items-get.js";
import "./action-items-responses.js";
import "./action-items-close.js";
import "./calibrations-list.js";
import "./calibrations-get.js";
import "./calibrations-put.js";
import "./analytics-evaluators.js";
import "./analytics-agents-get.js";
import "./analytics-skill-gaps.js";
import "./analytics-trend.js";
import "./policies-create.js";
import "./policies-list.js";
import "./policies-get.js";
import "./policies-update.js";
import "./policies-run.js";
import "./operations-get.js";
import "./operations-list.js";
import "./on-session-completed-tag.js";
import "./on-session-notify.js";
import "./on-session-event-analytics.js";
import "./outbox-sweep.js";
import "./policies-timer.js";

// What got registered, for a host or a test that loads the built package (dist/index.js): the
// bundle holds its own copy of the registry.
export { registeredFunctions } from "../shared/registry.js";
