"""Official documents: PDF rendering (WeasyPrint), PAdES signing (pyHanko), issuing and
public verification.

- :mod:`safkat.documents.render` turns a template and plain values into PDF bytes;
- :mod:`safkat.documents.values` builds those plain values, one function per kind;
- :mod:`safkat.documents.kinds` is the registry: adding a document is a template in
  ``templates/pdf/``, a values function and an entry there;
- :mod:`safkat.documents.signing` holds the platform's signing certificate;
- :mod:`safkat.documents.services` issues, stores, finds and checks documents (no Flask).
"""
