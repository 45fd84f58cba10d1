// The Data view (issue 27): the workshop's customer datasets, their segments (sizes,
// overlaps, the unassigned rest), a segment's profile card, the persona tied to a segment,
// and the claims its traits make, each with its result. Everything shown is aggregates the
// server sent (figures about fewer than k people arrive as null and show as "fewer than k").
// Only the facilitator changes anything here; with beliefs first, participants see a note
// that the data follows after voting.
import { createDataImport } from "./data-import.js";
import { createDefinitionsImport } from "./data-definitions.js";
import { CLAIM_KINDS, FIELD_LABELS, ROLE_LABELS, STATUS_LABELS, TEST_LABELS, UNIT_LABELS, shareOf, unitCount } from "./data-labels.js";
import { fill, h } from "./dom.js";
import { plural, t } from "./messages.js";
import { formatNumber as number, percent, representsText } from "./represents.js";

const TESTS = ["equals", "in", "between", "contains", "is_empty"];
const TOP_SHOWN = 5; // a category's values on a card before the rest are folded
// Sizes are set through the CSSOM: the page's CSP allows no style attributes.
const sized = (el, property, value) => { el.style.setProperty(property, value); return el; };

export function createDataView(ui) {
  const { state, store, me, send } = ui;
  const isFacilitator = me.role === "facilitator";
  const wid = state.workshop.id;
  const api = (path) => `/api/workshops/${encodeURIComponent(wid)}${path}`;
  const root = document.getElementById("data");
  const represents = document.getElementById("persona-represents");
  let selected = null; // the segment whose card is open
  let lastKey = null;
  const importer = isFacilitator ? createDataImport({ api, toast: ui.toast, onImported: () => {} }) : null;
  // Local choices that outlive a re-render (the view is redrawn on every event).
  const definitions = isFacilitator ? createDefinitionsImport({ api, changed: () => { lastKey = null; render(); } }) : null;
  const weightChoice = new Map(); // dataset id → the column chosen in its select, not yet sent
  const tieChoice = new Map(); // persona id → the segment chosen in the tie select, not yet sent
  // The forms are built once and the same nodes put back on every redraw, so what someone
  // is typing, the rule rows they added and an open "Define a segment" survive others' events.
  const forms = new Map(); // key → { node, refresh }
  function kept(key, build) {
    if (!forms.has(key)) forms.set(key, build());
    const form = forms.get(key);
    form.refresh?.();
    return form.node;
  }
  // A form's columns change only when the dataset's mapping does: then it is built anew.
  const columnsKey = (dataset) => dataset ? dataset.mapping.map((c) => `${c.name}:${c.role}:${c.kind}`).join("|") : "";

  const hidden = () => state.workshop.settings.data_hidden && !state.workshop.settings.data_revealed;
  const live = () => state.datasets.filter((d) => d.deleted_seq === null || !state.datasets.some((n) => n.replaces_id === d.id));
  const datasetOf = (segment) => state.datasets.find((d) => d.id === segment?.dataset_id);
  const tieOf = (personaId) => state.ties.find((tie) => tie.persona_id === personaId);
  const segmentById = (id) => state.segments.find((s) => s.id === id);
  const unitWord = (dataset, n) => unitCount(dataset?.unit ?? "customer", n ?? 0, number(n));

  // ---- the dataset cards --------------------------------------------------------------

  function datasetCard(dataset) {
    const replaced = state.datasets.find((d) => d.replaces_id === dataset.id);
    const deleted = dataset.deleted_seq !== null;
    const who = state.participants.find((p) => p.id === dataset.imported_by)?.name ?? "";
    const kept = dataset.mapping.filter((c) => c.role !== "dropped");
    const dropped = dataset.mapping.filter((c) => c.role === "dropped");
    return h("article", { class: `data-card${deleted ? " data-card-deleted" : ""}`, "aria-labelledby": `ds-${dataset.id}` },
      h("header", { class: "data-card-head" },
        h("h3", { id: `ds-${dataset.id}`, text: dataset.name }),
        h("p", { class: "data-meta" },
          [dataset.source, t("data.as_of_date", { date: dataset.as_of }), UNIT_LABELS[dataset.unit],
            dataset.row_count == null ? null : plural("data.rows", dataset.row_count, { n: number(dataset.row_count) }),
            t("data.imported_by", { who, date: dataset.imported_at.slice(0, 10) })].filter(Boolean).join(" · "))),
      deleted ? h("p", { class: "data-deleted-note", role: "note",
        text: replaced ? t("data.replaced", { name: replaced.name, date: replaced.as_of }) : t("data.deleted") }) : null,
      h("p", { class: "data-columns" },
        h("span", { class: "data-label", text: t("data.kept") }), ` ${kept.map((c) => c.name + (c.role === "sensitive" ? " ⚑" : "")).join(", ")}`),
      dropped.length ? h("p", { class: "data-columns data-dropped" },
        h("span", { class: "data-label", text: t("data.dropped") }), ` ${dropped.map((c) => c.name).join(", ")}`) : null,
      h("p", { class: "lib-hint", text: `SHA-256 ${dataset.sha256.slice(0, 12)}…` }),
      isFacilitator && !deleted ? weightControl(dataset) : null,
      isFacilitator && !deleted ? h("div", { class: "data-actions" },
        h("button", { class: "button button-small", type: "button", text: t("data.recheck"),
          onclick: () => send("claims.recheck", {}) }),
        h("button", { class: "button button-small button-danger", type: "button", text: t("data.delete"),
          onclick: () => { if (confirm(t("data.delete_confirm", { name: dataset.name }))) send("dataset.delete", { id: dataset.id }); } }),
        h("a", { class: "button button-small", href: api("/export/assumptions.segments.json"), text: t("data.export.segments") })) : null);
  }

  /** "Weigh shares by: none / revenue / …": the kept number columns (dataset.weight). */
  function weightControl(dataset) {
    const id = `weight-${dataset.id}`;
    const numbers = dataset.mapping.filter((c) => c.role !== "dropped" && c.kind === "number");
    const current = dataset.weight_column ?? "";
    const select = h("select", { id, class: "data-weight-select",
      onchange: () => weightChoice.set(dataset.id, select.value) },
    h("option", { value: "", text: t("data.weight.none") }),
    ...numbers.map((c) => h("option", { value: c.name, text: c.name })));
    select.value = weightChoice.get(dataset.id) ?? current;
    return h("div", { class: "data-actions data-weight" },
      h("label", { for: id, text: t("data.weight.label") }), select,
      h("button", { class: "button button-small", type: "button", text: t("data.weight.submit"),
        onclick: async () => {
          if (select.value === current) return;
          const ack = await send("dataset.weight", { id: dataset.id, column: select.value || null });
          if (ack.ok) weightChoice.delete(dataset.id);
        } }));
  }

  // ---- segments: sizes, overlaps, unassigned ------------------------------------------

  /** "4,210 customers · 18% of customers · 31% of revenue" (or "· 18%" without a weight). */
  function sizeLine(dataset, size, weighted) {
    const parts = [unitWord(dataset, size.count)];
    const column = dataset.weight_column;
    if (!column) return [...parts, percent(size.share)].join(" · ");
    parts.push(shareOf(dataset.unit, percent(size.share)));
    parts.push(weighted != null ? t("data.weighted", { share: percent(weighted), column })
      : t("data.weighted_suppressed", { column, k: dataset.summary?.k ?? 10 }));
    return parts.join(" · ");
  }

  function sizeBar(share) {
    return h("span", { class: "data-bar", "aria-hidden": "true" },
      sized(h("span", { class: "data-bar-fill" }), "width", `${Math.max(0, Math.min(100, (share ?? 0) * 100))}%`));
  }

  function segmentsBlock(dataset) {
    const segments = state.segments.filter((s) => s.dataset_id === dataset.id);
    const sizing = dataset.summary?.sizing;
    const names = Object.fromEntries(segments.map((s) => [s.id, s.name]));
    return h("section", { class: "data-segments", "aria-labelledby": `segs-${dataset.id}` },
      h("h3", { id: `segs-${dataset.id}`, text: t("data.segments") }),
      segments.length ? h("ul", { class: "data-seg-list" }, ...segments.map((segment) => {
        const size = segment.aggregates?.size;
        const weighted = segment.aggregates?.weighted_share;
        return h("li", { class: `data-seg${selected === segment.id ? " data-seg-open" : ""}` },
          h("button", { class: "data-seg-name", type: "button", "aria-expanded": String(selected === segment.id),
            onclick: () => { selected = selected === segment.id ? null : segment.id; lastKey = null; render(); } }, segment.name),
          sizeBar(size?.share),
          h("span", { class: "data-seg-size", text: size == null ? t("data.hidden_figure")
            : size.suppressed ? t("data.suppressed", { k: dataset.summary?.k ?? 10 })
              : sizeLine(dataset, size, weighted) }),
          isFacilitator ? h("button", { class: "icon-button", type: "button", text: t("data.remove"),
            "aria-label": t("data.remove_segment", { name: segment.name }),
            onclick: () => send("segment.remove", { id: segment.id }) }) : null);
      })) : h("p", { class: "lib-hint", text: t("data.no_segments") }),
      sizing ? h("p", { class: "data-overlaps" }, [
        ...sizing.overlaps.filter((o) => (o.size.count ?? 1) > 0).map((o) => t("data.overlap", {
          a: names[o.a] ?? "?", b: names[o.b] ?? "?", n: o.size.count == null ? t("data.fewer_than_k", { k: sizing.k }) : number(o.size.count) })),
        t("data.unassigned", { n: sizing.unassigned.count == null ? t("data.fewer_than_k", { k: sizing.k }) : number(sizing.unassigned.count),
          share: percent(sizing.unassigned.share) })].join(" · ")) : null,
      isFacilitator && dataset.deleted_seq === null
        ? kept(`define:${dataset.id}:${columnsKey(dataset)}`, () => ({ node: segmentForm(dataset) })) : null,
      isFacilitator && dataset.deleted_seq === null ? definitions.block(dataset) : null);
  }

  function columnOptions(dataset, kinds) {
    return dataset.mapping.filter((c) => c.role !== "dropped" && (!kinds || kinds.includes(c.kind)))
      .map((c) => h("option", { value: c.name, text: c.name }));
  }

  function ruleRow(dataset) {
    const column = h("select", { class: "data-rule-column", "aria-label": t("data.rule.column") }, ...columnOptions(dataset));
    const test = h("select", { class: "data-rule-test", "aria-label": t("data.rule.test") },
      ...TESTS.map((key) => h("option", { value: key, text: TEST_LABELS[key] })));
    const value = h("input", { class: "data-rule-value", "aria-label": t("data.rule.value"), placeholder: t("data.rule.value_hint"), autocomplete: "off" });
    const row = h("div", { class: "data-rule-row" }, column, test, value,
      h("button", { class: "icon-button", type: "button", text: "×", "aria-label": t("data.rule.remove"), onclick: () => row.remove() }));
    return row;
  }

  function leafOf(row, dataset) {
    const column = row.querySelector(".data-rule-column").value;
    const test = row.querySelector(".data-rule-test").value;
    const raw = row.querySelector(".data-rule-value").value.trim();
    const kind = dataset.mapping.find((c) => c.name === column)?.kind;
    const typed = (text) => (kind === "number" && text !== "" && !Number.isNaN(Number(text)) ? Number(text) : text);
    if (test === "is_empty") return { column, test };
    if (test === "in") return { column, test, value: raw.split(",").map((v) => typed(v.trim())).filter((v) => v !== "") };
    if (test === "between") {
      const [low, high] = raw.split(/\s*(?:–|-|to|tot|\.\.)\s*/).map((v) => (v === "" || v === undefined ? null : typed(v)));
      return { column, test, value: [low ?? null, high ?? null] };
    }
    return { column, test, value: typed(raw) };
  }

  function segmentForm(dataset) {
    const id = `seg-form-${dataset.id}`;
    const name = h("input", { id: `${id}-name`, maxlength: "120", autocomplete: "off", class: "data-seg-new-name" });
    const combine = h("select", { id: `${id}-combine`, class: "data-combine" },
      h("option", { value: "all", text: t("data.rule.all") }), h("option", { value: "any", text: t("data.rule.any") }));
    const rows = h("div", { class: "data-rules" }, ruleRow(dataset));
    const split = h("select", { id: `${id}-split`, class: "data-split" }, h("option", { value: "", text: t("data.split.pick") }),
      ...columnOptions(dataset, ["category", "boolean"]));
    const population = dataset.summary?.population;
    return h("details", { class: "data-define" },
      h("summary", { text: t("data.define") }),
      h("form", { class: "data-define-form", onsubmit: async (event) => {
        event.preventDefault();
        const leaves = [...rows.children].map((row) => leafOf(row, dataset));
        if (!name.value.trim() || !leaves.length) { name.focus(); return; }
        const rule = leaves.length === 1 ? leaves[0] : { [combine.value]: leaves };
        const ack = await send("segment.define", { dataset_id: dataset.id, name: name.value.trim(), rule });
        if (ack.ok) { name.value = ""; rows.replaceChildren(ruleRow(dataset)); }
      } },
        h("div", { class: "field" }, h("label", { for: `${id}-name`, text: t("data.segment_name") }), name),
        h("div", { class: "field" }, h("label", { for: `${id}-combine`, text: t("data.rule.combine") }), combine),
        rows,
        h("div", { class: "data-actions" },
          h("button", { class: "button button-small", type: "button", text: t("data.rule.add"), onclick: () => rows.append(ruleRow(dataset)) }),
          h("button", { class: "button button-small button-primary", type: "submit", text: t("data.define_submit") }))),
      h("form", { class: "data-split-form", onsubmit: async (event) => {
        event.preventDefault();
        const column = split.value;
        const card = population?.columns?.find((c) => c.column === column);
        const values = (card?.top ?? []).map((top) => top.value).filter((v) => v !== "");
        if (!column || !values.length) { split.focus(); return; }
        for (const value of values) {
          const ack = await send("segment.define", { dataset_id: dataset.id, name: String(value),
            rule: { column, test: "equals", value } });
          if (!ack.ok) break;
        }
      } },
        h("div", { class: "field" }, h("label", { for: `${id}-split`, text: t("data.split") }), split),
        h("button", { class: "button button-small", type: "submit", text: t("data.split_submit") })));
  }

  // ---- the profile card -----------------------------------------------------------------

  function histogram(column) {
    const counts = column.histogram?.counts ?? [];
    const population = column.histogram?.population ?? [];
    const segTotal = counts.reduce((a, c) => a + (c ?? 0), 0) || 1;
    const popTotal = population.reduce((a, c) => a + (c ?? 0), 0) || 1;
    const top = Math.max(...counts.map((c) => (c ?? 0) / segTotal), ...population.map((c) => (c ?? 0) / popTotal), 0.01);
    const edges = column.histogram?.edges ?? [];
    const label = (i) => (i === 0 ? `< ${edges[0]}` : i === edges.length ? `≥ ${edges[edges.length - 1]}` : `${edges[i - 1]}–${edges[i]}`);
    return h("div", { class: "data-hist", role: "img", "aria-label": t("data.histogram", { column: column.column }) },
      ...counts.map((count, i) => h("span", { class: "data-hist-bin", title: `${label(i)}: ${count == null ? t("data.fewer_than_k", { k: 10 }) : number(count)}` },
        sized(h("span", { class: "data-hist-pop" }), "height", `${((population[i] ?? 0) / popTotal / top) * 100}%`),
        sized(h("span", { class: `data-hist-seg${count == null ? " data-hist-suppressed" : ""}` }), "height",
          count == null ? "100%" : `${(count / segTotal / top) * 100}%`))));
  }

  function cardColumn(column) {
    const head = h("h4", {}, column.column,
      column.distinctive ? h("span", { class: "data-tag", text: t("data.distinctive") }) : null,
      column.role === "sensitive" ? h("span", { class: "data-tag data-tag-sensitive", text: ROLE_LABELS.sensitive }) : null);
    let body;
    if (column.median != null) {
      const shown = (v) => (typeof v === "string" ? v : number(v, 1)); // dates come as ISO dates
      body = h("div", {},
        h("p", { class: "data-figures", text: t("data.median_line", { median: shown(column.median), q1: shown(column.q1),
          q3: shown(column.q3), population: shown(column.population_median) }) }),
        column.histogram ? histogram(column) : null);
    } else if (column.top) {
      // A card lists every value the dataset's cards share (profiles.md): five, the rest folded.
      const row = (top) => h("li", {},
        h("span", { class: "data-top-value", text: String(top.value) }),
        sizeBar(top.share),
        h("span", { class: "data-top-share", title: t("data.lift", { lift: number(top.lift, 2) }),
          text: `${percent(top.share)} · ×${number(top.lift, 2)}` }));
      const more = column.top.slice(TOP_SHOWN);
      body = h("div", {},
        h("ul", { class: "data-top" }, ...column.top.slice(0, TOP_SHOWN).map(row)),
        more.length ? h("details", { class: "data-top-more" },
          h("summary", { text: plural("data.more_values", more.length, { n: more.length }) }),
          h("ul", { class: "data-top" }, ...more.map(row))) : null);
    } else {
      body = h("p", { class: "lib-hint", text: t("data.not_profiled") });
    }
    return h("li", { class: "data-card-col" }, head, body,
      ...(column.spread ?? []).map((line) => h("p", { class: "data-spread", text: line })));
  }

  function profileCard(segment) {
    const card = segment.aggregates?.card;
    if (!card) return h("p", { class: "lib-hint", text: hidden() ? t("data.hidden_note") : t("data.no_card") });
    if (card.suppressed) return h("p", { class: "lib-hint", text: t("data.suppressed", { k: card.k }) });
    return h("section", { class: "data-profile", "aria-labelledby": `card-${segment.id}` },
      h("h3", { id: `card-${segment.id}`, text: t("data.card", { name: segment.name }) }),
      card.spread?.length ? h("p", { class: "data-spread-lead", text: card.spread.join(" · ") }) : null,
      h("ol", { class: "data-card-cols" }, ...card.columns.filter((c) => c.n !== undefined).slice(0, 10).map(cardColumn)));
  }

  // ---- the persona: tie and claims ------------------------------------------------------

  function badge(result) {
    if (!result) return h("span", { class: "data-badge data-badge-none", text: hidden() ? t("data.hidden_figure") : t("data.unchecked") });
    return h("span", { class: `data-badge data-badge-${result.status}`, "data-status": result.status, text: STATUS_LABELS[result.status] ?? result.status });
  }

  function targetLabel(claim) {
    if (claim.target_type === "field") return FIELD_LABELS[claim.target_id.split(".")[1]] ?? claim.target_id;
    const item = claim.target_type === "group" ? state.groups.find((g) => g.id === claim.target_id)
      : state.assumptions.find((a) => a.id === claim.target_id);
    return item ? (item.title ?? item.text) : "?";
  }

  function personaBlock(personaId) {
    const persona = state.personas.find((p) => p.id === personaId);
    if (!persona) return null;
    const tie = tieOf(personaId);
    const claims = state.claims.filter((c) => c.persona_id === personaId);
    const options = state.segments.filter((s) => datasetOf(s)?.deleted_seq == null || s.id === tie?.segment_id)
      .map((s) => h("option", { value: s.id, text: s.name }));
    const select = h("select", { id: "data-tie", class: "data-tie-select", onchange: () => tieChoice.set(personaId, select.value) },
      h("option", { value: "", text: t("data.tie.none") }), ...options);
    const chosen = tieChoice.get(personaId);
    select.value = chosen ?? tie?.segment_id ?? "";
    if (chosen !== undefined && select.value !== chosen) { // the chosen segment is gone
      tieChoice.delete(personaId);
      select.value = tie?.segment_id ?? "";
    }
    return h("section", { class: "data-persona", "aria-labelledby": "data-persona-heading" },
      h("h3", { id: "data-persona-heading", text: t("data.persona", { name: persona.name }) }),
      h("p", { class: "data-represents", text: representsText(state, personaId) || t("data.tie.untied") }),
      isFacilitator ? h("div", { class: "data-actions" },
        h("label", { for: "data-tie", text: t("data.tie.label") }), select,
        h("button", { class: "button button-small", type: "button", id: "data-tie-submit", text: t("data.tie.submit"),
          onclick: async () => {
            const ack = await send("persona.tie", { persona_id: personaId, segment_id: select.value || null });
            if (ack.ok) tieChoice.delete(personaId);
          } })) : null,
      claims.length ? h("ul", { class: "data-claims", "aria-label": t("data.claims") }, ...claims.map((claim) => h("li", { class: "data-claim", "data-target": claim.target_id },
        h("div", { class: "data-claim-head" },
          badge(claim.result),
          h("strong", { text: targetLabel(claim) }),
          h("span", { text: ` “${claim.claim.text ?? ""}” · ${claim.column}` }),
          isFacilitator ? h("button", { class: "icon-button", type: "button", text: t("data.remove"),
            "aria-label": t("data.claim.remove"), onclick: () => send("claim.clear", { id: claim.id }) }) : null),
        claim.result ? h("p", { class: "data-claim-figures", text: claim.result.summary }) : null))) : h("p", { class: "lib-hint", text: t("data.no_claims") }),
      isFacilitator ? claimFormFor(personaId, tie) : null);
  }

  /** The persona's claim form, kept across redraws; its list of traits follows the board. */
  function claimFormFor(personaId, tie) {
    const dataset = datasetOf(segmentById(tie?.segment_id)) ?? state.datasets.at(-1);
    return kept(`claim:${personaId}:${dataset?.id ?? ""}:${columnsKey(dataset)}`, () => {
      const target = h("select", { id: "data-claim-target" });
      return { node: claimForm(personaId, dataset, target), refresh: () => setOptions(target, traitOptions(personaId)) };
    });
  }

  function traitOptions(personaId) {
    return [h("option", { value: "field:identity.age_range", text: FIELD_LABELS.age_range }),
      h("option", { value: "field:identity.location", text: FIELD_LABELS.location }),
      ...state.assumptions.filter((a) => a.persona_id === personaId && !a.group_id && !a.hidden)
        .map((a) => h("option", { value: `assumption:${a.id}`, text: a.text.slice(0, 60) })),
      ...state.groups.filter((g) => g.persona_id === personaId).map((g) => h("option", { value: `group:${g.id}`, text: g.title.slice(0, 60) }))];
  }

  /** Replace a select's options, keeping its choice while that option is still there. */
  function setOptions(select, options) {
    const value = select.value;
    select.replaceChildren(...options);
    if (options.some((option) => option.value === value)) select.value = value;
  }

  function claimForm(personaId, dataset, target) {
    const column = h("select", { id: "data-claim-column" }, ...(dataset ? columnOptions(dataset) : []));
    const kind = h("select", { id: "data-claim-kind" },
      ...Object.entries(CLAIM_KINDS).map(([k, label]) => h("option", { value: k, text: label })));
    const text = h("input", { id: "data-claim-text", maxlength: "200", autocomplete: "off", placeholder: t("data.claim.placeholder") });
    return h("form", { class: "data-claim-form", onsubmit: async (event) => {
      event.preventDefault();
      if (!text.value.trim()) { text.focus(); return; }
      const [type, id] = target.value.split(/:(.*)/s);
      const where = type === "field" ? { field: id } : { [`${type}_id`]: id };
      const ack = await send("claim.set", { persona_id: personaId, ...where, column: column.value, kind: kind.value, text: text.value.trim() });
      if (ack.ok) text.value = "";
    } },
      h("h4", { text: t("data.claim.heading") }),
      h("div", { class: "data-claim-fields" },
        h("div", { class: "field" }, h("label", { for: "data-claim-target", text: t("data.claim.trait") }), target),
        h("div", { class: "field" }, h("label", { for: "data-claim-column", text: t("data.claim.column") }), column),
        h("div", { class: "field" }, h("label", { for: "data-claim-kind", text: t("data.claim.kind") }), kind),
        h("div", { class: "field" }, h("label", { for: "data-claim-text", text: t("data.claim.text") }), text)),
      h("button", { class: "button button-small button-primary", type: "submit", id: "data-claim-submit", text: t("data.claim.submit") }));
  }

  // ---- the view -------------------------------------------------------------------------

  function render() {
    const personaId = store.activePersona();
    if (represents) {
      const text = representsText(state, personaId);
      represents.hidden = !text;
      represents.textContent = text;
    }
    if (store.view !== "data") return;
    const key = `${state.seq}:${personaId}:${selected}`;
    if (key === lastKey) return;
    lastKey = key;
    // The kept forms leave the page for a moment while it is redrawn: give focus and the
    // caret back to the field someone was typing in.
    const active = root.contains(document.activeElement) ? document.activeElement : null;
    const caret = active && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
    const datasets = live();
    const segment = segmentById(selected);
    fill(root,
      h("header", { class: "data-head" },
        h("h2", { id: "data-heading", text: t("data.heading") }),
        h("p", { class: "lib-hint", text: t("data.lead") }),
        isFacilitator ? h("button", { class: "button button-primary", type: "button", id: "data-import-open", text: t("data.import.open"),
          onclick: () => importer.open() }) : null,
        isFacilitator && hidden() ? h("button", { class: "button", type: "button", id: "data-reveal", text: t("data.reveal"),
          onclick: () => send("reveal", { what: "data" }) }) : null),
      hidden() && !isFacilitator ? h("p", { class: "data-hidden-banner", role: "note", text: t("data.hidden_note") }) : null,
      hidden() && isFacilitator ? h("p", { class: "data-hidden-banner", role: "note", text: t("data.hidden_facilitator") }) : null,
      datasets.length ? null : h("p", { class: "board-empty", text: isFacilitator ? t("data.empty.facilitator") : t("data.empty") }),
      h("div", { class: "data-grid" },
        h("div", { class: "data-main" }, ...datasets.map((dataset) => h("div", { class: "data-dataset" }, datasetCard(dataset), segmentsBlock(dataset))),
          segment ? profileCard(segment) : null),
        h("div", { class: "data-side" }, personaBlock(personaId))));
    if (active?.isConnected && document.activeElement !== active) {
      active.focus({ preventScroll: true });
      if (caret) active.setSelectionRange(...caret);
    }
  }

  ui.onEvent((event) => {
    if (event.type === "segment.removed" && event.data.id === selected) selected = null;
  });
  return { render };
}
