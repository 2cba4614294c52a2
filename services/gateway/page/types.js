// Entity types in the order the legend shows them, with the words a reader knows.
// Colours live in style.css (.t-PERSON ...); every pair there passes WCAG AA on its background.
export const TYPES = [
  ["PERSON", "Person"],
  ["ORG", "Organisation"],
  ["GPE", "Country, city"],
  ["LOC", "Location"],
  ["NORP", "Nationality, group"],
  ["EVENT", "Event"],
  ["FAC", "Facility"],
  ["PRODUCT", "Product"],
  ["WORK_OF_ART", "Work"],
  ["LAW", "Law"],
  ["LANGUAGE", "Language"],
  ["MISC", "Other"],
  ["DATE", "Date"],
];

const LABELS = new Map(TYPES);
export const typeLabel = (type) => LABELS.get(type) || type;
