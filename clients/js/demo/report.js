/** The one operation report the demo shows: patient, sections and their Baton resource ids. */

const DEFAULT_REPORT_ID = '7f1c9a52-3b8e-4d21-9c4f-2e6a1b0d8c35';
const REPORT_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The report id: `?report=` when it is a valid Baton id (each browser test uses its own), else the demo's fixed one.
 *
 * @param {string} search `location.search`
 * @returns {string}
 */
export function reportId(search) {
  const requested = new URLSearchParams(search).get('report');
  return requested && REPORT_ID_PATTERN.test(requested) ? requested : DEFAULT_REPORT_ID;
}

/**
 * The Baton resource of one section of the report.
 *
 * @param {string} id the report id
 * @param {string} section `main`, `diagnosis` or `procedure`
 * @returns {string} `operation-report:<id>:<section>`
 */
export function resourceOf(id, section) {
  return `operation-report:${id}:${section}`;
}

/** The patient the report belongs to (fictional). */
export const PATIENT = {
  name: 'WHITFIELD, Eleanor',
  details: ['Female', 'Born 04 Feb 1958 (68 y)', 'MRN 4471-0092', 'Ward 4B · Bed 12'],
  alert: 'Allergy: penicillin',
};

/** The procedure the report documents. */
export const PROCEDURE = 'Laparoscopic cholecystectomy · Theatre 3 · 12 March 2026';

/** @type {{key: string, label: string, text: string}[]} the report's sections, one Baton resource each */
export const SECTIONS = [
  {
    key: 'main',
    label: 'Main',
    text: 'Surgeon: Dr. A. Smith\nAssistant: Dr. R. Okafor\nAnaesthetist: Dr. L. Brandt (general anaesthesia)\n'
      + 'Scrub nurse: J. Moreau\n\nStart 08:42 · End 09:51\nASA II. Antibiotic prophylaxis at induction: cefazolin 2 g IV.',
  },
  {
    key: 'diagnosis',
    label: 'Diagnosis',
    text: 'Pre-operative: symptomatic cholelithiasis with recurrent biliary colic.\n\n'
      + 'Post-operative: chronic calculous cholecystitis. No evidence of choledocholithiasis on inspection.',
  },
  {
    key: 'procedure',
    label: 'Procedure',
    text: 'Four-port technique. Open Hasson entry at the umbilicus, pneumoperitoneum to 12 mmHg.\n'
      + 'Critical view of safety established. Cystic duct and artery clipped and divided.\n'
      + 'Gallbladder dissected from the liver bed with diathermy and retrieved in a bag.\n'
      + 'Haemostasis confirmed. Port sites closed; local anaesthetic infiltrated.',
  },
];
