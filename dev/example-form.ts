// docs/api.md's example form ("Customer care"): the demo seed creates it and tests score it.
import type { FormInput } from "../shared/domain/model.js";

/** The example form of docs/api.md "Forms". */
export const customerCareForm: FormInput = {
  name: "Customer care",
  groups: [
    {
      id: "opening",
      name: "Opening",
      weight: 40,
      questions: [
        {
          id: "greet",
          text: "Greeted the customer by name?",
          type: "yesNo",
          required: true,
          weight: 50,
          naAllowed: false,
          answers: [
            { id: "yes", label: "Yes", score: 100 },
            { id: "no", label: "No", score: 0 },
          ],
        },
        {
          id: "verify",
          text: "Verified identity?",
          type: "singleChoice",
          required: true,
          weight: 50,
          naAllowed: true,
          answers: [
            { id: "full", label: "Fully", score: 100 },
            { id: "none", label: "Not at all", score: 0, autofail: true },
          ],
        },
      ],
    },
    {
      id: "close",
      name: "Closing",
      weight: 60,
      questions: [
        {
          id: "resolved",
          text: "Issue resolved?",
          type: "yesNo",
          required: true,
          weight: 100,
          naAllowed: false,
          answers: [
            { id: "yes", label: "Yes", score: 100 },
            { id: "no", label: "No", score: 0 },
          ],
        },
        {
          id: "notes",
          text: "Notes",
          type: "text",
          required: false,
          weight: 0,
          naAllowed: false,
          answers: [],
        },
      ],
    },
  ],
};
