# ruff: noqa: E501
"""The words of the shipped policy packs a person reads in a document (clause titles and texts,
modes of procurement), marked for the message catalogue. Written by scripts/pack_messages.py
from procurement/engine/packs/*.json; do not edit by hand. A pack's own words are shown in the
reader's language with :func:`procurement.engine.i18n._` where they are shown; a department's
own pack, whose words are not here, reads in its own words.
"""

from procurement.engine.i18n import gettext_noop

MESSAGES = (
    gettext_noop(
        "A bidder from a country sharing a land border with India may bid only if registered with the Registration Committee of DPIIT; the registration shall be valid on the date of bid submission."
    ),
    gettext_noop(
        "As the estimated value exceeds ₹{lc_certificate_limit}, the local content shall be certified by the statutory or cost auditor (companies) or a practising Chartered or Cost Accountant."
    ),
    gettext_noop("Availability"),
    gettext_noop("Bidders from land-border countries"),
    gettext_noop(
        "Buyer Data — prompts, outputs, files, logs and backups — and all inference processing shall remain in named regions in {country} ({locations})."
    ),
    gettext_noop("Certification"),
    gettext_noop("Direct purchase on GeM from any seller meeting the requirement"),
    gettext_noop(
        "GeM bid or reverse auction; where the service is not on GeM, a limited tender enquiry to more than three firms"
    ),
    gettext_noop(
        "GeM bid or reverse auction; where the service is not on GeM, an advertised tender enquiry on GeM and CPPP (a global tender enquiry only from Rs 200 crore or with the competent authority's approval)"
    ),
    gettext_noop("Hosting"),
    gettext_noop("Hosting eligibility"),
    gettext_noop("Hosting operator"),
    gettext_noop("Local content certificate"),
    gettext_noop("Local content declaration"),
    gettext_noop("Logs in India"),
    gettext_noop("Make in India"),
    gettext_noop("Model lifecycle"),
    gettext_noop("No training on Buyer Data"),
    gettext_noop("Processing guarantee"),
    gettext_noop(
        "Purchase on GeM from the lowest-priced of the sellers of at least three different OEMs or service providers"
    ),
    gettext_noop("Quality"),
    gettext_noop("Response time"),
    gettext_noop("Retention"),
    gettext_noop(
        "Security and access logs of the service shall be kept securely for a rolling {log_days} days within {log_country}, time-synchronised to the NIC or NPL time servers, and produced to the Buyer and to CERT-In on request."
    ),
    gettext_noop("Storage and processing in India"),
    gettext_noop(
        "The Bidder shall declare its local content and class under the Public Procurement (Preference to Make in India) Order 2017: Class-I at {class_i_pct} % or more, Class-II above {class_ii_pct} %."
    ),
    gettext_noop(
        "The Bidder shall guarantee in the contract that inference is processed only in India, with no global or cross-border routing."
    ),
    gettext_noop(
        "The Bidder shall hold valid {certification} certification on the date of bid submission and keep it valid for the whole contract, supplying the certificate and each renewal."
    ),
    gettext_noop(
        "The Bidder shall not use Buyer Data — prompts, files, outputs, embeddings and logs — to train, fine-tune or improve any model, directly or through sub-processors. The commitment shall be in the contract itself, not only a console setting."
    ),
    gettext_noop(
        "The Bidder shall state the retention period of each category of data; none shall exceed {retention_days} days, and data shall be deleted on request and at exit with a deletion certificate."
    ),
    gettext_noop(
        "The contract binds to dated model versions. The Bidder shall give at least {notice_days} days' notice before retiring a contracted model and run the old and new versions in parallel before cut-over."
    ),
    gettext_noop(
        "The data of this workload may not be processed on any cloud service. The service shall run on the Buyer's own infrastructure."
    ),
    gettext_noop("The hosting operator shall be {operator_types}."),
    gettext_noop(
        "The offered model shall score at least {min_score} out of 100 for {use_case} in each of {languages}, in an evaluation by an accredited evaluator that is valid on the date of technical evaluation. The Buyer may re-run the evaluation on its own test set before award."
    ),
    gettext_noop(
        "The service shall achieve monthly availability of at least {availability_pct} %, measured by the Buyer's own monitoring, with service credits for any breach."
    ),
    gettext_noop(
        "The service shall answer within {latency_ms} ms at the 95th percentile at the declared workload, measured by the Buyer's own monitoring, with service credits for any breach."
    ),
    gettext_noop(
        "Up to ₹{lc_certificate_limit} of estimated value, the Bidder self-certifies its local content and states where value is added."
    ),
    gettext_noop(
        "Where the service runs on a commercial cloud, the hosting layer shall be a MeitY-empanelled cloud service offering with a current STQC audit, listed on GeM where applicable."
    ),
)
