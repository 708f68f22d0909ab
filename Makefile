.PHONY: demo test bench
demo:   ## set up, build, render samples/ into ./out
	scripts/demo.sh
test:   ## set up and run every test
	scripts/test.sh
bench:  ## benchmark a 10,000-table, 1,000,000-row estate (release build)
	scripts/bench.sh
