"""IATI 2.03 export of a plan's development activities (issue 13): codelists, the document,
its official schema (copied into `schema/`, so validation needs no network), the API route
and the page download."""
