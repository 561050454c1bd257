"""Every write of the secondments app: secondments (`secondments.py`) and joint training
(`training.py`)."""

from secondments.services.secondments import (
    decisions_closed,
    secondment_cancel,
    secondment_decide,
    secondment_end,
    secondment_extend,
    secondment_request,
    secondment_update,
)
from secondments.services.training import (
    training_attendance_record,
    training_create,
    training_register,
    training_withdraw,
)

__all__ = [
    "decisions_closed",
    "secondment_cancel",
    "secondment_decide",
    "secondment_end",
    "secondment_extend",
    "secondment_request",
    "secondment_update",
    "training_attendance_record",
    "training_create",
    "training_register",
    "training_withdraw",
]
