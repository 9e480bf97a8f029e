"""The load benchmark's reading of gunicorn's access log: each request under its endpoint."""

from benchmarks.load import percentile, server_times


def test_each_request_of_the_access_log_is_timed_under_its_endpoint_name():
    log = [
        "GET / 12000",
        "GET /cohorts/ibm-ai-1 8000",
        "GET /cohorts/ibm-ai-1/sessions/415/roll-call 50000",
        "POST /cohorts/ibm-ai-1/sessions/415/roll-call 40000",
        "GET /cohorts/ibm-ai-1/assessments/M1-QCM/results 20000",
        "GET /cohorts/ibm-ai-1/funding 30000",
        "GET /cohorts/ibm-ai-1/funding/statement 15000",
        "GET /cohorts/ibm-ai-1/funding/export/statement.csv 9000",
        "GET /api/cohorts/ibm-ai-1/metrics 5000",
        "GET /login 2000",
        "GET /cohorts/ibm-ai-1/trainees/T03 26000",
        "GET /cohorts/ibm-ai-1/trainees/T04 28000",
        "GET /cohorts/ibm-ai-1/trainees/T03/report.pdf 7000",
        "GET /cohorts/ibm-ai-1/funding-report.pdf 6000",
        "GET /healthz 1000",
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
