// The default persona categories' labels and prompts in the page's language. The server
// sends them in English (workshop/domain/categories.py); a category it sends that is not
// one of these keeps the server's text.
import { t } from "./messages.js";

const DEFAULTS = {
  identity: [t("category.identity.label"), t("category.identity.prompt")],
  goals: [t("category.goals.label"), t("category.goals.prompt")],
  needs: [t("category.needs.label"), t("category.needs.prompt")],
  motivations: [t("category.motivations.label"), t("category.motivations.prompt")],
  fears: [t("category.fears.label"), t("category.fears.prompt")],
  desires: [t("category.desires.label"), t("category.desires.prompt")],
  behaviours: [t("category.behaviours.label"), t("category.behaviours.prompt")],
  channels: [t("category.channels.label"), t("category.channels.prompt")],
  tone: [t("category.tone.label"), t("category.tone.prompt")],
  messages: [t("category.messages.label"), t("category.messages.prompt")],
};

/** {key, label, prompt} of a category from the snapshot, translated when it is a default. */
export function translatedCategory(category) {
  const own = DEFAULTS[category.key];
  return own ? { ...category, label: own[0], prompt: own[1] } : category;
}
