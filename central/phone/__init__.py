"""The resident's phone pages behind every QR the kiosk prints or shows (docs/PHONE_PAGES.md).

Public by id: ``/jobs/{id}``, ``/shortlists/{id}``, ``/job-fairs/{id}``, ``/services/{id}``,
``/stations`` and ``/stations/{id}``. Personal by capability: ``/tickets/{id}``,
``/requests/{reference}?k=TOKEN``, ``/callbacks/{TOKEN}``, ``/interests/{TOKEN}``. Employers:
``/employer/new?s=STATION`` and their posting's ``/employer/p/{TOKEN}``.
"""

from fastapi import APIRouter, Depends

from central.phone import callbacks, employer, fairs, guides, interests, jobs, requests, stations, tickets
from central.phone.guard import warm_key

router = APIRouter(include_in_schema=False, dependencies=[Depends(warm_key)])
for _module in (jobs, fairs, guides, stations, tickets, requests, callbacks, interests, employer):
    router.include_router(_module.router)

__all__ = ["router"]
