"""One benchmark measurement in a fresh process: `child.py cold|warm CONTENDER ...`.

`cold CONTENDER import` imports the contender's package and exits.
`cold CONTENDER first-page URL` imports, creates a client and fetches the first
page of 100 jobs. The runner times these processes from outside and reads their
peak RSS, so this file imports nothing at the top beyond `sys`. A CONTENDER
ending in `/no-click` runs as if click were not installed.

`warm CONTENDER URL JOBS PAGE_SIZES` fetches one page to warm up, then lists
all JOBS jobs once per page size and prints wall and CPU seconds and the minor
page faults of each listing as JSON.
"""

import sys

ACCESS_KEY = "AKIDBENCHEXAMPLE0000"
SECRET_KEY = "bench/secret/not/a/real/key/0000000000000"
REGION = "us-east-1"
OPERATION = "list_model_customization_jobs"
RESULT_KEY = "modelCustomizationJobSummaries"
FIRST_PAGE_SIZE = 100
WITHOUT_CLICK = "/no-click"


# Each lister returns a function `list_jobs(page_size, max_pages) -> item count`
# that reuses one client; creating it is part of the cold start.


def bedrockpage_lister(url):
    import bedrockpage

    client = bedrockpage.client(
        "bedrock",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    paginator = client.get_paginator(OPERATION)

    def list_jobs(page_size, max_pages):
        count = 0
        pages = paginator.paginate(PaginationConfig={"PageSize": page_size})
        for number, page in enumerate(pages, start=1):
            count += len(page[RESULT_KEY])
            if number == max_pages:
                break
        return count

    return list_jobs


def bedrockpage_async_lister(url):
    import asyncio
    import contextlib

    import bedrockpage

    loop = asyncio.new_event_loop()
    client = bedrockpage.async_client(
        "bedrock",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    paginator = client.get_paginator(OPERATION)

    async def count_items(page_size, max_pages):
        count = 0
        number = 0
        pages = aiter(paginator.paginate(PaginationConfig={"PageSize": page_size}))
        async with contextlib.aclosing(pages):
            async for page in pages:
                count += len(page[RESULT_KEY])
                number += 1
                if number == max_pages:
                    break
        return count

    def list_jobs(page_size, max_pages):
        return loop.run_until_complete(count_items(page_size, max_pages))

    return list_jobs


def boto3_lister(url):
    import boto3

    client = boto3.client(
        "bedrock",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    paginator = client.get_paginator(OPERATION)

    def list_jobs(page_size, max_pages):
        count = 0
        pages = paginator.paginate(PaginationConfig={"PageSize": page_size})
        for number, page in enumerate(pages, start=1):
            count += len(page[RESULT_KEY])
            if number == max_pages:
                break
        return count

    return list_jobs


def httpx_floor_lister(url, verify=True):
    import httpx
    from floor import list_page_httpx

    http = httpx.Client(verify=verify)
    host = url.split("://", 1)[1].rstrip("/")

    def list_jobs(page_size, max_pages):
        count = 0
        token = None
        for _ in range(max_pages):
            page = list_page_httpx(http, url, host, page_size, token, (ACCESS_KEY, SECRET_KEY))
            count += len(page[RESULT_KEY])
            token = page.get("nextToken")
            if token is None:
                break
        return count

    return list_jobs


def httpx_floor_no_tls_lister(url):
    return httpx_floor_lister(url, verify=False)


def http_client_floor_lister(url):
    import http.client

    from floor import list_page_http_client

    host = url.split("://", 1)[1].rstrip("/")
    hostname, port = host.rsplit(":", 1)
    connection = http.client.HTTPConnection(hostname, int(port))

    def list_jobs(page_size, max_pages):
        count = 0
        token = None
        for _ in range(max_pages):
            page = list_page_http_client(
                connection, host, page_size, token, (ACCESS_KEY, SECRET_KEY)
            )
            count += len(page[RESULT_KEY])
            token = page.get("nextToken")
            if token is None:
                break
        return count

    return list_jobs


def import_bedrockpage():
    import bedrockpage  # noqa: F401


def import_boto3():
    import boto3  # noqa: F401


def import_httpx():
    import httpx  # noqa: F401


def import_http_client():
    import http.client  # noqa: F401


def import_nothing():
    pass


LISTERS = {
    "bedrockpage": bedrockpage_lister,
    "bedrockpage-async": bedrockpage_async_lister,
    "boto3": boto3_lister,
    "httpx-floor": httpx_floor_lister,
    "httpx-floor-no-tls": httpx_floor_no_tls_lister,
    "http.client-floor": http_client_floor_lister,
}
IMPORTS = {
    "python": import_nothing,
    "bedrockpage": import_bedrockpage,
    "bedrockpage-async": import_bedrockpage,
    "boto3": import_boto3,
    "httpx-floor": import_httpx,
    "httpx-floor-no-tls": import_httpx,
    "http.client-floor": import_http_client,
}


def run_cold(contender, mode, url=None):
    if mode == "import":
        IMPORTS[contender]()
        return
    count = LISTERS[contender](url)(FIRST_PAGE_SIZE, 1)
    if count != FIRST_PAGE_SIZE:
        raise SystemExit(f"{contender}: first page has {count} jobs, expected {FIRST_PAGE_SIZE}")


def run_warm(contender, url, job_count, page_sizes):
    import json
    import resource
    import time

    list_jobs = LISTERS[contender](url)
    list_jobs(FIRST_PAGE_SIZE, 1)

    results = {}
    for page_size in page_sizes:
        faults_start = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        wall_start = time.perf_counter()
        cpu_start = time.process_time()
        count = list_jobs(page_size, job_count)
        cpu = time.process_time() - cpu_start
        wall = time.perf_counter() - wall_start
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_start
        if count != job_count:
            raise SystemExit(f"{contender}: listed {count} jobs, expected {job_count}")
        results[str(page_size)] = {"wall": wall, "cpu": cpu, "faults": faults}
    print(json.dumps(results))


def main(argv):
    kind, contender = argv[1], argv[2]
    if contender.endswith(WITHOUT_CLICK):
        # httpx imports its command-line tool, and with it click and pygments, when
        # click is installed (moto's test dependencies install it). A None entry
        # makes that import fail as it does where click is absent, as in a Lambda zip.
        sys.modules["click"] = None
        contender = contender.removesuffix(WITHOUT_CLICK)
    if kind == "cold":
        run_cold(contender, *argv[3:])
    elif kind == "warm":
        url, job_count, page_sizes = argv[3], int(argv[4]), argv[5]
        run_warm(contender, url, job_count, [int(size) for size in page_sizes.split(",")])
    else:
        raise SystemExit(f"unknown measurement {kind!r}: expected 'cold' or 'warm'")


if __name__ == "__main__":
    main(sys.argv)
