# mode: plan
# args: --param 'name=a b' --yes
# args: --env-file x.env
# env: FAKE_VAR=${RBK_HTTP_URL}/health
# stdin: yes
# stdin: second line
# exit: 3
#> exit: 3
# expect: fake: mode=plan args=[--param name=a b --yes --env-file x.env] file=args_env_stdin.rb dir=pass NO_COLOR=1 FAKE_VAR=http://127.0.0.1:9/health RBK_HTTP_URL=http://127.0.0.1:9
# expect: stdin: yes
# expect: stdin: second line
