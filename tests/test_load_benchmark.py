"""The load benchmark's reading of gunicorn's access log: each request under its endpoint."""

from benchmarks.load import percentile, server_times


def test_each_request_of_the_access_log_is_timed_under_its_endpoint_name():
    log = [
        "GET / 200 12000",
        "GET /cohorts/ibm-ai-1 200 8000",
        "GET /cohorts/ibm-ai-1/sessions/415/roll-call 200 50000",
        "POST /cohorts/ibm-ai-1/sessions/415/roll-call 302 40000",
        "GET /cohorts/ibm-ai-1/assessments/M1-QCM/results 200 20000",
        "GET /cohorts/ibm-ai-1/funding 200 30000",
        "GET /cohorts/ibm-ai-1/funding/statement 200 15000",
        "GET /cohorts/ibm-ai-1/funding/export/statement.csv 200 9000",
        "GET /api/cohorts/ibm-ai-1/metrics 200 5000",
        "GET /login 200 2000",
        "GET /cohorts/ibm-ai-1/trainees/T03 200 26000",
        "GET /cohorts/ibm-ai-1/trainees/T04 200 28000",
        "GET /cohorts/ibm-ai-1/trainees/T03/report.pdf 202 3000",
        "GET /cohorts/ibm-ai-1/trainees/T03/report.pdf 200 7000",
        "POST /cohorts/ibm-ai-1/sessions/415/roll-call 409 30000",
        "GET /cohorts/ibm-ai-1/funding-report.pdf 200 6000",
        "GET /healthz 200 1000",
    ]
    times = server_times(log)
    assert times == {
        "instructor: home": [12.0],
        "instructor: cohort overview": [8.0],
        "instructor: roll call": [50.0],
        "roll call saved (all)": [40.0],
        "instructor: results grid": [20.0],
        "officer: dashboard with charts": [30.0],
        "officer: monthly statement": [15.0],
        "officer: statement as CSV": [9.0],
        "officer: figures (API)": [5.0],
        "sign-in page (floor)": [2.0],
        "trainee: own page": [26.0, 28.0],
        "trainee: own report (PDF)": [7.0],
        "trainee: own report (PDF) (202)": [3.0],
        "roll call saved (all) (409)": [30.0],
        "burst: uncached report": [6.0],
        "GET /healthz": [1.0],
    }


def test_percentiles_are_by_nearest_rank():
    values = [float(value) for value in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([7.0], 95) == 7
    assert percentile([3.0, 1.0, 2.0], 50) == 2
